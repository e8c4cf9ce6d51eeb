package io.nudge.offers;

import java.util.Map;

/** Where scoring looks up the items that go with an item (learned by the job; materialised by the reader). */
@FunctionalInterface
public interface CrossSell {

    CrossSell NONE = item -> Map.of();

    /** Neighbours of {@code itemId} and their weights (any scale; scoring normalises per item). */
    Map<String, Double> neighboursOf(String itemId);
}
