package io.nudge.serving.store;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.ItemCount;
import io.nudge.schemas.Trending;
import io.nudge.schemas.UndecodableMessageException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What is popular now, per category and for the whole shop, from the trending topic (latest window wins). */
public final class TrendingStore {

    /** The scope the job uses for the whole shop. */
    public static final String WHOLE_SHOP = "*";

    private final ConcurrentHashMap<String, Trending> byScope = new ConcurrentHashMap<>();
    /** Worked out when a record arrives (a few per window and scope), not on each of the many reads. */
    private volatile Map<String, Double> categoryShares = Map.of();

    /** Applies one record of the trending topic; called by one thread at a time. */
    public void apply(String scope, byte[] value) throws UndecodableMessageException {
        if (value == null) {
            byScope.remove(scope);
        } else {
            Trending update = Codecs.TRENDING.decode(value);
            byScope.merge(scope, update, (current, candidate) -> candidate.getWindowEnd().isAfter(current.getWindowEnd()) ? candidate : current);
        }
        categoryShares = shares();
    }

    /** The most popular items in {@code scope} (a category, or {@link #WHOLE_SHOP}), most popular first. */
    public List<ItemCount> items(String scope) {
        Trending trending = byScope.get(scope);
        return trending == null ? List.of() : trending.getTopItems();
    }

    /**
     * Each category's share of the whole shop's interactions in the latest window. A category without events
     * in a window publishes nothing, so records older than one window behind the shop's are stale and ignored.
     */
    public Map<String, Double> categoryShares() {
        return categoryShares;
    }

    private Map<String, Double> shares() {
        Trending shop = byScope.get(WHOLE_SHOP);
        if (shop == null || shop.getTotal() <= 0) {
            return Map.of();
        }
        Map<String, Double> shares = new HashMap<>();
        byScope.forEach((scope, trending) -> {
            boolean current = !trending.getWindowEnd().plusMillis(shop.getWindowSize()).isBefore(shop.getWindowEnd());
            if (!scope.equals(WHOLE_SHOP) && current) {
                shares.put(scope, Math.min(1.0, trending.getTotal() / shop.getTotal()));
            }
        });
        return Map.copyOf(shares);
    }
}
