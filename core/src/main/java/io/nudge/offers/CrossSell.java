package io.nudge.offers;

import java.time.Instant;
import java.util.Map;

/** Where scoring looks up the items that go with an item, and how much an item sells (learned by the job; materialised by the reader). */
@FunctionalInterface
public interface CrossSell {

    CrossSell NONE = item -> Map.of();

    /** Neighbours of {@code itemId} and their weights (any scale; scoring normalises per item). */
    Map<String, Double> neighboursOf(String itemId);

    /** How much the shop sells of {@code itemId} at {@code now} (any scale; scoring compares items); 0 when unknown. */
    default double demandOf(String itemId, Instant now) {
        return 0;
    }
}
