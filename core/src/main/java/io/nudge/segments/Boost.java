package io.nudge.segments;

import java.io.Serializable;
import java.util.Map;

/**
 * How a segment's members' item recommendations lean: a factor per category (the item's, as the catalogue says) and
 * per item, multiplying the item's score — above 1 favours, below 1 holds back. A member of several segments gets the
 * product of their factors.
 */
public record Boost(Map<String, Double> categories, Map<String, Double> items) implements Serializable {

    public static final Boost NONE = new Boost(Map.of(), Map.of());
    /** Beyond this a boost no longer reorders but replaces the ranking. */
    public static final double MAX_FACTOR = 10;

    public Boost {
        categories = Map.copyOf(categories);
        items = Map.copyOf(items);
    }

    public boolean isEmpty() {
        return categories.isEmpty() && items.isEmpty();
    }

    /** Both boosts at once: the factors multiply. */
    public Boost and(Boost other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        java.util.Map<String, Double> categories = new java.util.HashMap<>(this.categories);
        other.categories.forEach((category, factor) -> categories.merge(category, factor, (a, b) -> a * b));
        java.util.Map<String, Double> items = new java.util.HashMap<>(this.items);
        other.items.forEach((item, factor) -> items.merge(item, factor, (a, b) -> a * b));
        return new Boost(categories, items);
    }

    /** @param category the item's category, or null when unknown */
    public double factor(String itemId, String category) {
        double factor = items.getOrDefault(itemId, 1.0);
        return category == null ? factor : factor * categories.getOrDefault(category, 1.0);
    }
}
