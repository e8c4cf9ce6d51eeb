package io.nudge.offers;

import java.util.Map;

/**
 * An item worth showing this customer, with its score and what made it up.
 *
 * @param factors each factor's contribution to {@code score} (they add up to it), for {@code explain=true}
 */
public record RecommendedItem(String itemId, double score, Map<String, Double> factors) {}
