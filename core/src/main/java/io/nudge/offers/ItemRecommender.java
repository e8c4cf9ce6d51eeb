package io.nudge.offers;

import io.nudge.catalogue.Catalogue;
import io.nudge.catalogue.ContentSimilarity;
import io.nudge.config.NudgeConfig;
import io.nudge.schemas.CartLine;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.Item;
import io.nudge.schemas.ItemCount;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Ranks items for one customer from up to five signals, each scaled to 0..1 before weighting:
 * <ul>
 *   <li>{@code own}: the customer's decayed affinity to the item itself (repeat buying, items they keep
 *       looking at), weighed by the item's demand (how much the shop sells of it now, relative to the customer's
 *       other items): of two items a customer bought alike, the one in season, still sold, comes first;</li>
 *   <li>{@code crossSell}: how strongly the item goes with the customer's seeds — their strongest items, their
 *       cart, what they viewed this session and the item on screen;</li>
 *   <li>{@code trending}: the item's popularity in the current window, so new visitors get a sensible answer;</li>
 *   <li>{@code newArrival}: items the catalogue published lately, in the categories the request is about;</li>
 *   <li>{@code similar}: items like the page's, the cart's and the session's by the catalogue's description.</li>
 * </ul>
 * Ties break on item id, so the same inputs always give the same list.
 */
public final class ItemRecommender implements Serializable {

    /** How much each signal counts; the defaults were chosen on the offline evaluation (see the README). */
    /** @param demand how much demand reorders the customer's own items: affinity x (1 + demand x share of the most demanded) */
    public record Weights(double own, double demand, double crossSell, double trending, double newArrival, double similar) implements Serializable {
        public static Weights from(NudgeConfig config) {
            return new Weights(config.get(NudgeConfig.RECOMMEND_WEIGHT_OWN), config.get(NudgeConfig.RECOMMEND_WEIGHT_DEMAND),
                    config.get(NudgeConfig.RECOMMEND_WEIGHT_CROSSSELL), config.get(NudgeConfig.RECOMMEND_WEIGHT_TRENDING),
                    config.get(NudgeConfig.RECOMMEND_WEIGHT_NEW), config.get(NudgeConfig.RECOMMEND_WEIGHT_SIMILAR));
        }
    }

    static final int SEEDS_FROM_AFFINITY = 10;
    static final double CART_SEED = 1.0;
    static final double CONTEXT_SEED = 1.0;
    static final double SESSION_SEED = 0.5;
    /** The customer's strongest categories new arrivals are looked up in. */
    static final int NEW_ARRIVAL_CATEGORIES = 3;
    static final int NEW_ARRIVALS_PER_CATEGORY = 10;
    /** The strongest seeds (page, cart first) whose look-alikes are searched for, and how many of a category are compared. */
    static final int SIMILAR_SEEDS = 4;
    static final int SIMILAR_POOL = 20;

    private final Weights weights;

    public ItemRecommender(Weights weights) {
        this.weights = weights;
    }

    /**
     * The best {@code limit} items, best first.
     *
     * @param mayRecommend whether the shop has the item to sell (the catalogue's say); items it has not are left out
     * @param explain      whether each item carries its factors; without, it carries none
     */
    public List<RecommendedItem> recommend(CustomerProfile profile, Instant now, RecommendationContext context, CrossSell crossSell,
                                           List<ItemCount> trending, NewArrivals arrivals, Predicate<String> mayRecommend, int limit,
                                           boolean explain) {
        return recommend(profile, now, context, crossSell, trending, arrivals, mayRecommend, limit, explain, null);
    }

    /**
     * @param boost the factor each item's score is multiplied by (the customer's segments' boosts), or null for none
     */
    public List<RecommendedItem> recommend(CustomerProfile profile, Instant now, RecommendationContext context, CrossSell crossSell,
                                           List<ItemCount> trending, NewArrivals arrivals, Predicate<String> mayRecommend, int limit,
                                           boolean explain, ToDoubleFunction<String> boost) {
        Map<String, Parts> candidates = new HashMap<>();
        Map<String, Double> affinity = profile == null ? Map.of() : profile.getItemAffinity();
        double strongestOwn = max(affinity.values());
        if (strongestOwn > 0 && weights.own() > 0) {
            addOwn(affinity, crossSell, now, candidates);
        }
        Map<String, Double> seeds = seeds(profile, affinity, strongestOwn, context);
        addCrossSell(seeds, crossSell, candidates);
        addPopularity(trending, candidates);
        addNewArrivals(profile, now, context, arrivals, candidates);
        addSimilar(seeds, arrivals.catalogue(), candidates);
        if (context.item() != null) {
            // The item on screen seeds cross-sell but is not recommended to the page showing it.
            candidates.remove(context.item());
        }
        candidates.keySet().removeIf(itemId -> !mayRecommend.test(itemId));
        if (boost != null) {
            for (Parts candidate : candidates.values()) {
                candidate.boost(boost.applyAsDouble(candidate.itemId));
            }
        }
        return best(candidates.values(), limit, explain);
    }

    /** What one item scored on each signal; a signal it was not found by has no part, not a zero one. */
    private static final class Parts {
        final String itemId;
        double own = Double.NaN;
        double crossSell = Double.NaN;
        double trending = Double.NaN;
        double newArrival = Double.NaN;
        double similar = Double.NaN;
        double boost = Double.NaN;
        double score;

        Parts(String itemId) {
            this.itemId = itemId;
        }

        void own(double value) {
            own = value;
            score += value;
        }

        void crossSell(double value) {
            crossSell = value;
            score += value;
        }

        void trending(double value) {
            trending = value;
            score += value;
        }

        void newArrival(double value) {
            newArrival = value;
            score += value;
        }

        /** The best of the look-alike scores it is given (one per seed it resembles). */
        void similar(double value) {
            if (Double.isNaN(similar) || value > similar) {
                score += value - (Double.isNaN(similar) ? 0 : similar);
                similar = value;
            }
        }

        /** Multiplies the score, after every signal is in; a factor of 1 is no boost. */
        void boost(double factor) {
            if (factor != 1) {
                boost = factor;
                score *= factor;
            }
        }

        /** Higher score first, then item id. */
        boolean isBefore(Parts other) {
            int byScore = Double.compare(other.score, score);
            return byScore != 0 ? byScore < 0 : itemId.compareTo(other.itemId) < 0;
        }

        RecommendedItem recommended(boolean explain) {
            if (!explain) {
                return new RecommendedItem(itemId, score, Map.of());
            }
            Map<String, Double> factors = new LinkedHashMap<>();
            if (!Double.isNaN(own)) {
                factors.put("own", own);
            }
            if (!Double.isNaN(crossSell)) {
                factors.put("crossSell", crossSell);
            }
            if (!Double.isNaN(trending)) {
                factors.put("trending", trending);
            }
            if (!Double.isNaN(newArrival)) {
                factors.put("newArrival", newArrival);
            }
            if (!Double.isNaN(similar)) {
                factors.put("similar", similar);
            }
            if (!Double.isNaN(boost)) {
                factors.put("segmentBoost", boost);
            }
            return new RecommendedItem(itemId, score, factors);
        }
    }

    /** The top {@code limit}, by insertion into a short sorted list rather than a sort of every candidate. */
    private static List<RecommendedItem> best(Collection<Parts> candidates, int limit, boolean explain) {
        Parts[] top = new Parts[Math.min(limit, candidates.size())];
        int size = 0;
        for (Parts candidate : candidates) {
            if (size == top.length && !candidate.isBefore(top[size - 1])) {
                continue;
            }
            int at = size == top.length ? size - 1 : size++;
            while (at > 0 && candidate.isBefore(top[at - 1])) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = candidate;
        }
        List<RecommendedItem> ranked = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            ranked.add(top[i].recommended(explain));
        }
        return ranked;
    }

    /** The customer's strongest items (scaled to 0..1), cart, session and page: what cross-sell starts from. */
    private static Map<String, Double> seeds(CustomerProfile profile, Map<String, Double> affinity, double strongestOwn,
                                             RecommendationContext context) {
        Map<String, Double> seeds = new HashMap<>();
        if (strongestOwn > 0) {
            for (Map.Entry<String, Double> strong : strongest(affinity, SEEDS_FROM_AFFINITY)) {
                seeds.merge(strong.getKey(), strong.getValue() / strongestOwn, Math::max);
            }
        }
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

    /** The {@code count} highest entries, ties by key. */
    private static List<Map.Entry<String, Double>> strongest(Map<String, Double> scores, int count) {
        List<Map.Entry<String, Double>> top = new ArrayList<>(count + 1);
        for (Map.Entry<String, Double> entry : scores.entrySet()) {
            int at = top.size();
            while (at > 0 && isStronger(entry, top.get(at - 1))) {
                at--;
            }
            if (at < count) {
                top.add(at, entry);
                if (top.size() > count) {
                    top.remove(count);
                }
            }
        }
        return top;
    }

    private static boolean isStronger(Map.Entry<String, Double> entry, Map.Entry<String, Double> than) {
        int byValue = Double.compare(than.getValue(), entry.getValue());
        return byValue != 0 ? byValue < 0 : entry.getKey().compareTo(than.getKey()) < 0;
    }

    /**
     * Affinity times (1 + weight x demand relative to the most demanded of the customer's items), scaled to 0..1:
     * demand reorders a customer's items without erasing those the shop sells little of now.
     */
    private void addOwn(Map<String, Double> affinity, CrossSell crossSell, Instant now, Map<String, Parts> candidates) {
        // Arrays rather than maps: this runs on every request, over up to the profile's item cap.
        String[] items = new String[affinity.size()];
        double[] own = new double[items.length];
        double[] demand = new double[items.length];
        double mostDemanded = 0;
        int n = 0;
        for (Map.Entry<String, Double> item : affinity.entrySet()) {
            items[n] = item.getKey();
            own[n] = item.getValue();
            if (weights.demand() > 0) {
                demand[n] = crossSell.demandOf(item.getKey(), now);
                mostDemanded = Math.max(mostDemanded, demand[n]);
            }
            n++;
        }
        double strongest = 0;
        for (int i = 0; i < n; i++) {
            if (mostDemanded > 0) {
                own[i] *= 1 + weights.demand() * demand[i] / mostDemanded;
            }
            strongest = Math.max(strongest, own[i]);
        }
        double scale = weights.own() / strongest;
        for (int i = 0; i < n; i++) {
            candidates.computeIfAbsent(items[i], Parts::new).own(own[i] * scale);
        }
    }

    /** Sum over seeds of seed weight x the candidate's share of the seed's strongest neighbour, scaled to 0..1. */
    private void addCrossSell(Map<String, Double> seeds, CrossSell crossSell, Map<String, Parts> candidates) {
        Map<String, Double> related = new HashMap<>();
        double seedTotal = 0;
        for (Map.Entry<String, Double> seed : seeds.entrySet()) {
            Map<String, Double> neighbours = crossSell.neighboursOf(seed.getKey());
            double strongest = max(neighbours.values());
            if (strongest <= 0) {
                continue;
            }
            seedTotal += seed.getValue();
            for (Map.Entry<String, Double> neighbour : neighbours.entrySet()) {
                related.merge(neighbour.getKey(), seed.getValue() * neighbour.getValue() / strongest, Double::sum);
            }
        }
        double total = seedTotal;
        related.forEach((item, s) -> candidates.computeIfAbsent(item, Parts::new).crossSell(weights.crossSell() * (s / total)));
    }

    /**
     * New items of the catalogue in the categories this request is about (the page's, the customer's strongest few),
     * each weighted by how much the category counts (0..1) and how new the item is (1 when just published, falling to
     * 0 at the end of the window).
     */
    private void addNewArrivals(CustomerProfile profile, Instant now, RecommendationContext context, NewArrivals arrivals,
                                Map<String, Parts> candidates) {
        if (weights.newArrival() <= 0 || arrivals.catalogue().isEmpty()) {
            return;
        }
        Map<String, Double> categories = new HashMap<>();
        if (profile != null) {
            Map<String, Double> affinity = profile.getCategoryAffinity();
            double strongest = max(affinity.values());
            if (strongest > 0) {
                for (Map.Entry<String, Double> category : strongest(affinity, NEW_ARRIVAL_CATEGORIES)) {
                    categories.put(category.getKey(), category.getValue() / strongest);
                }
            }
        }
        if (context.category() != null) {
            categories.put(context.category(), 1.0);
        }
        long window = arrivals.within().toMillis();
        Instant since = now.minus(arrivals.within());
        categories.forEach((category, weight) -> {
            for (Item item : arrivals.catalogue().newArrivals(category, since, NEW_ARRIVALS_PER_CATEGORY)) {
                double freshness = 1 - (double) (now.toEpochMilli() - item.getPublishedAt().toEpochMilli()) / window;
                // An item has one category, so it is found under at most one of them.
                if (freshness > 0) {
                    candidates.computeIfAbsent(item.getItemId(), Parts::new).newArrival(weights.newArrival() * weight * Math.min(1, freshness));
                }
            }
        });
    }

    /**
     * Items like the strongest seeds by what the catalogue says of them ({@link ContentSimilarity}), found among the
     * newest of each seed's category: no history needed on either side, so a new item on screen has neighbours to
     * show, and a new item is shown next to the items it resembles from the minute it is published.
     */
    private void addSimilar(Map<String, Double> seeds, Catalogue catalogue, Map<String, Parts> candidates) {
        if (weights.similar() <= 0 || catalogue.isEmpty() || seeds.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Double> seed : strongest(seeds, SIMILAR_SEEDS)) {
            Item seedItem = catalogue.item(seed.getKey());
            if (seedItem == null || seedItem.getCategory() == null) {
                continue;
            }
            for (Item other : catalogue.inCategory(seedItem.getCategory(), SIMILAR_POOL)) {
                if (!other.getItemId().equals(seedItem.getItemId())) {
                    candidates.computeIfAbsent(other.getItemId(), Parts::new)
                            .similar(weights.similar() * seed.getValue() * ContentSimilarity.between(seedItem, other));
                }
            }
        }
    }

    /** Where new arrivals come from, and the window that makes an item new. */
    public record NewArrivals(Catalogue catalogue, Duration within) {
        /** No new arrivals (no catalogue). */
        public static final NewArrivals NONE = new NewArrivals(Catalogue.NONE, Duration.ofDays(1));
    }

    private void addPopularity(List<ItemCount> trending, Map<String, Parts> candidates) {
        double most = 0;
        for (ItemCount count : trending) {
            most = Math.max(most, count.getCount());
        }
        if (most <= 0) {
            return;
        }
        for (ItemCount count : trending) {
            candidates.computeIfAbsent(count.getItemId(), Parts::new).trending(weights.trending() * (count.getCount() / most));
        }
    }

    /** The largest value, or 0 for none. */
    private static double max(Collection<Double> values) {
        double max = 0;
        boolean any = false;
        for (double value : values) {
            max = any ? Math.max(max, value) : value;
            any = true;
        }
        return max;
    }
}
