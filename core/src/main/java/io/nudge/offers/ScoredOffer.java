package io.nudge.offers;

import io.nudge.schemas.Offer;
import java.util.Map;

/**
 * An offer with the score it was ranked by and what made the score, for {@code explain=true}.
 *
 * @param factors the relevance parts (which add up to the relevance), then the multipliers
 *                {@code businessValue}, {@code fatigue} and {@code diversity}; score = relevance x multipliers
 */
public record ScoredOffer(Offer offer, double score, Map<String, Double> factors) {}
