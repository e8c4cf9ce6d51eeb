package io.nudge.offers;

import io.nudge.schemas.Offer;

/**
 * An offer with the score it was ranked by.
 *
 * @param relevance how well the offer fits this customer, before business value (0 when not personalised)
 */
public record ScoredOffer(Offer offer, double score, double relevance) {}
