package io.nudge.offers;

import io.nudge.schemas.CartLine;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.Offer;
import io.nudge.schemas.ViewedItem;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranks the offers valid now for one customer: score = (baseline + relevance) x business value, where relevance
 * is the customer's normalised affinity to the offer's category plus boosts for items they recently viewed and
 * for the categories in their cart. Without a profile every offer has the baseline relevance, so the ranking
 * falls back to business value. Ties break on offer id, so the same inputs always give the same list.
 */
public final class OfferRanker {

    /** Keeps offers the customer has shown no interest in ordered by business value, below relevant ones. */
    static final double BASELINE_RELEVANCE = 0.1;
    static final double VIEWED_ITEM_BOOST = 0.5;
    static final double CART_CATEGORY_BOOST = 0.3;

    private static final Comparator<ScoredOffer> BEST_FIRST = Comparator.comparingDouble(ScoredOffer::score).reversed()
            .thenComparing(scored -> scored.offer().getOfferId());

    public List<ScoredOffer> rank(CustomerProfile profile, Collection<Offer> offers, Instant now, int limit) {
        Signals signals = profile == null ? Signals.NONE : Signals.of(profile);
        return offers.stream()
                .filter(offer -> isValidAt(offer, now))
                .map(offer -> score(offer, signals))
                .sorted(BEST_FIRST)
                .limit(limit)
                .toList();
    }

    static boolean isValidAt(Offer offer, Instant now) {
        return (offer.getValidFrom() == null || !now.isBefore(offer.getValidFrom()))
                && (offer.getValidUntil() == null || now.isBefore(offer.getValidUntil()));
    }

    private static ScoredOffer score(Offer offer, Signals signals) {
        double relevance = 0;
        if (offer.getCategory() != null) {
            relevance += signals.normalisedAffinity(offer.getCategory());
            if (signals.cartCategories.contains(offer.getCategory())) {
                relevance += CART_CATEGORY_BOOST;
            }
        }
        for (String itemId : offer.getItemIds()) {
            if (signals.viewedItems.contains(itemId)) {
                relevance += VIEWED_ITEM_BOOST;
                break;
            }
        }
        return new ScoredOffer(offer, (BASELINE_RELEVANCE + relevance) * offer.getBusinessValue(), relevance);
    }

    /** What a profile says that scoring uses, computed once per request rather than once per offer. */
    private record Signals(Map<String, Double> affinity, double maxAffinity, Set<String> viewedItems, Set<String> cartCategories) {
        static final Signals NONE = new Signals(Map.of(), 0, Set.of(), Set.of());

        static Signals of(CustomerProfile profile) {
            Map<String, Double> affinity = profile.getCategoryAffinity();
            double max = affinity.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            Set<String> viewed = new HashSet<>();
            for (ViewedItem item : profile.getRecentlyViewed()) {
                viewed.add(item.getItemId());
            }
            Set<String> cartCategories = new HashSet<>();
            for (CartLine line : profile.getCart()) {
                if (line.getCategory() != null) {
                    cartCategories.add(line.getCategory());
                }
            }
            return new Signals(affinity, max, viewed, cartCategories);
        }

        double normalisedAffinity(String category) {
            return maxAffinity > 0 ? affinity.getOrDefault(category, 0.0) / maxAffinity : 0;
        }
    }
}
