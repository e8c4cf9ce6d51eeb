package io.nudge.offers;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.CartLine;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.ItemCount;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks items for one customer from three signals, each scaled to 0..1 before weighting:
 * <ul>
 *   <li>{@code own}: the customer's decayed affinity to the item itself (repeat buying, items they keep
 *       looking at);</li>
 *   <li>{@code crossSell}: how strongly the item goes with the customer's seeds — their strongest items, their
 *       cart, what they viewed this session and the item on screen;</li>
 *   <li>{@code trending}: the item's popularity in the current window, so new visitors get a sensible answer.</li>
 * </ul>
 * Ties break on item id, so the same inputs always give the same list.
 */
public final class ItemRecommender implements Serializable {

    /** How much each signal counts; the defaults were chosen on the offline evaluation (see the README). */
    public record Weights(double own, double crossSell, double trending) implements Serializable {
        public static Weights from(NudgeConfig config) {
            return new Weights(config.get(NudgeConfig.RECOMMEND_WEIGHT_OWN), config.get(NudgeConfig.RECOMMEND_WEIGHT_CROSSSELL),
                    config.get(NudgeConfig.RECOMMEND_WEIGHT_TRENDING));
        }
    }

    static final int SEEDS_FROM_AFFINITY = 10;
    static final double CART_SEED = 1.0;
    static final double CONTEXT_SEED = 1.0;
    static final double SESSION_SEED = 0.5;

    private final Weights weights;

    public ItemRecommender(Weights weights) {
        this.weights = weights;
    }

    public List<RecommendedItem> recommend(CustomerProfile profile, RecommendationContext context, CrossSell crossSell,
                                           List<ItemCount> trending, int limit) {
        Map<String, Double> own = profile == null ? Map.of() : scaledToOne(profile.getItemAffinity());
        Map<String, Double> seeds = seeds(profile, own, context);
        Map<String, Double> related = crossSell(seeds, crossSell);
        Map<String, Double> popular = popularity(trending);

        Map<String, Map<String, Double>> factors = new HashMap<>();
        own.forEach((item, s) -> factors.computeIfAbsent(item, k -> new LinkedHashMap<>()).put("own", weights.own() * s));
        related.forEach((item, s) -> factors.computeIfAbsent(item, k -> new LinkedHashMap<>()).put("crossSell", weights.crossSell() * s));
        popular.forEach((item, s) -> factors.computeIfAbsent(item, k -> new LinkedHashMap<>()).put("trending", weights.trending() * s));

        if (context.item() != null) {
            // The item on screen seeds cross-sell but is not recommended to the page showing it.
            factors.remove(context.item());
        }
        List<RecommendedItem> ranked = new ArrayList<>(factors.size());
        factors.forEach((item, parts) -> ranked.add(new RecommendedItem(item,
                parts.values().stream().mapToDouble(Double::doubleValue).sum(), parts)));
        ranked.sort(Comparator.comparingDouble(RecommendedItem::score).reversed().thenComparing(RecommendedItem::itemId));
        return ranked.size() <= limit ? ranked : ranked.subList(0, limit);
    }

    private static Map<String, Double> seeds(CustomerProfile profile, Map<String, Double> own, RecommendationContext context) {
        Map<String, Double> seeds = new HashMap<>();
        own.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(SEEDS_FROM_AFFINITY)
                .forEach(e -> seeds.merge(e.getKey(), e.getValue(), Math::max));
        if (profile != null) {
            for (CartLine line : profile.getCart()) {
                seeds.merge(line.getItemId(), CART_SEED, Math::max);
            }
            if (profile.getSession() != null) {
                for (String item : profile.getSession().getViewedItems()) {
                    seeds.merge(item, SESSION_SEED, Math::max);
                }
            }
        }
        for (String item : context.cart()) {
            seeds.merge(item, CART_SEED, Math::max);
        }
        if (context.item() != null) {
            seeds.merge(context.item(), CONTEXT_SEED, Math::max);
        }
        return seeds;
    }

    /** Sum over seeds of seed weight x the candidate's share of the seed's strongest neighbour, scaled to 0..1. */
    private static Map<String, Double> crossSell(Map<String, Double> seeds, CrossSell crossSell) {
        Map<String, Double> related = new HashMap<>();
        double seedTotal = 0;
        for (Map.Entry<String, Double> seed : seeds.entrySet()) {
            Map<String, Double> neighbours = crossSell.neighboursOf(seed.getKey());
            double strongest = neighbours.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            if (strongest <= 0) {
                continue;
            }
            seedTotal += seed.getValue();
            for (Map.Entry<String, Double> neighbour : neighbours.entrySet()) {
                related.merge(neighbour.getKey(), seed.getValue() * neighbour.getValue() / strongest, Double::sum);
            }
        }
        if (seedTotal > 0) {
            double total = seedTotal;
            related.replaceAll((item, s) -> s / total);
        }
        return related;
    }

    private static Map<String, Double> popularity(List<ItemCount> trending) {
        Map<String, Double> counts = new HashMap<>();
        for (ItemCount count : trending) {
            counts.put(count.getItemId(), count.getCount());
        }
        return scaledToOne(counts);
    }

    private static Map<String, Double> scaledToOne(Map<String, Double> scores) {
        double max = scores.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        if (max <= 0) {
            return Map.of();
        }
        Map<String, Double> scaled = new HashMap<>();
        scores.forEach((key, value) -> scaled.put(key, value / max));
        return scaled;
    }
}
