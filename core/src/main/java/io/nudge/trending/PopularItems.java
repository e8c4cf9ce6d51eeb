package io.nudge.trending;

import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.ItemCount;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Weighted interactions per item over some span of event time: the accumulator of the trending windows in the
 * job and of the offline evaluation's popularity. Mergeable, so windows can be built from smaller panes.
 */
public final class PopularItems implements Serializable {

    /** A purchase says more about popularity than a view. */
    public static double weightOf(EventType type) {
        return switch (type) {
            case PURCHASE -> 3.0;
            case ADD_TO_CART -> 2.0;
            case PRODUCT_VIEW, OFFER_CLICK -> 1.0;
            default -> 0.0;
        };
    }

    private final Map<String, Double> counts = new HashMap<>();
    private final Map<String, String> categories = new HashMap<>();
    private double total;

    public void add(InteractionEvent event) {
        double weight = weightOf(event.getType());
        if (weight > 0 && event.getItemId() != null) {
            add(event.getItemId(), event.getCategory(), weight);
        }
    }

    public void add(String itemId, String category, double weight) {
        counts.merge(itemId, weight, Double::sum);
        if (category != null) {
            categories.put(itemId, category);
        }
        total += weight;
    }

    public PopularItems merge(PopularItems other) {
        other.counts.forEach((item, count) -> counts.merge(item, count, Double::sum));
        categories.putAll(other.categories);
        total += other.total;
        return this;
    }

    public double total() {
        return total;
    }

    public boolean isEmpty() {
        return counts.isEmpty();
    }

    /** The {@code limit} most popular items, ties broken by item id so the answer is deterministic. */
    public List<ItemCount> top(int limit) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .map(e -> new ItemCount(e.getKey(), categories.get(e.getKey()), e.getValue()))
                .toList();
    }
}
