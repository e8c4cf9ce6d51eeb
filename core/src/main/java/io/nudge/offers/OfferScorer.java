package io.nudge.offers;

import io.nudge.profile.CustomerMetrics;
import io.nudge.schemas.CartLine;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.Offer;
import io.nudge.schemas.OfferStats;
import io.nudge.schemas.OfferStatus;
import io.nudge.schemas.ViewedItem;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the next-best offers for one request.
 *
 * <p>score = relevance x business value x fatigue x diversity, where relevance = a small baseline (so offers
 * nobody has shown interest in still rank by business value) + the customer's affinity to the offer's
 * category + interest in its items + fit with the cart + fit with the page + the session's focus + the
 * category's current popularity. Offers the customer is not eligible for, or has excluded (bought a one-off
 * item, dismissed it too often, ignored it too often) are never returned. Picks are made greedily so that each
 * further offer of an already chosen category counts less (diversity). Ties break on priority, then offer id,
 * so the same inputs always give the same list.
 */
public final class OfferScorer implements Serializable {

    static final double BASELINE = 0.1;
    static final double CATEGORY_AFFINITY = 1.0;
    static final double ITEM_INTEREST = 0.8;
    static final double RECENTLY_VIEWED = 0.5;
    static final double CART_COMPLEMENT = 0.6;
    static final double PAGE_CATEGORY = 0.7;
    static final double PAGE_ITEM = 1.0;
    static final double SESSION_FOCUS = 0.5;
    static final double TRENDING = 0.4;
    /** Each unanswered impression beyond the first few makes an offer this much less attractive. */
    static final double FATIGUE_PER_IMPRESSION = 0.9;
    static final int FREE_IMPRESSIONS = 2;
    /** Each offer already chosen from the same category multiplies the next one's score by this. */
    static final double DIVERSITY = 0.6;

    /** One recommendation request: who, where, on which channel, and whether to personalise at all. */
    public record Request(CustomerProfile profile, CustomerMetrics metrics, RecommendationContext context, String channel,
                          Instant now, int limit, boolean personalised) {}

    private static final Comparator<ScoredOffer> BEST_FIRST = Comparator.comparingDouble(ScoredOffer::score).reversed()
            .thenComparing(scored -> -scored.offer().getPriority())
            .thenComparing(scored -> scored.offer().getOfferId());

    /**
     * @param trendingCategories each category's share of current interactions (0..1), for everyone; the one
     *                           relevance signal a new visitor has
     */
    public List<ScoredOffer> rank(Request request, Collection<Offer> offers, CrossSell crossSell, Map<String, Double> trendingCategories) {
        Signals signals = request.personalised() && request.profile() != null
                ? Signals.of(request.profile(), crossSell) : Signals.NONE;
        List<ScoredOffer> candidates = new ArrayList<>();
        for (Offer offer : offers) {
            if (isEligible(offer, request, signals) && !isExcluded(offer, request.personalised() ? request.profile() : null)) {
                candidates.add(score(offer, request, signals, trendingCategories, null));
            }
        }
        List<ScoredOffer> explained = new ArrayList<>();
        for (ScoredOffer pick : diversify(candidates, request.limit())) {
            Map<String, Double> factors = new LinkedHashMap<>();
            score(pick.offer(), request, signals, trendingCategories, factors);
            factors.put("diversity", pick.factors().get("diversity"));
            explained.add(new ScoredOffer(pick.offer(), pick.score(), factors));
        }
        return explained;
    }

    static boolean isEligible(Offer offer, Request request, Signals signals) {
        Instant now = request.now();
        if (offer.getStatus() != OfferStatus.ACTIVE
                || (offer.getValidFrom() != null && now.isBefore(offer.getValidFrom()))
                || (offer.getValidUntil() != null && !now.isBefore(offer.getValidUntil()))
                || (offer.getBudget() != null && offer.getBudget() <= 0)
                || (!offer.getChannels().isEmpty() && !offer.getChannels().contains(request.channel()))) {
            return false;
        }
        CustomerMetrics metrics = request.metrics();
        if (!offer.getLifecycleStages().isEmpty()
                && (metrics == null || !offer.getLifecycleStages().contains(metrics.stage().wireName()))) {
            return false;
        }
        if (offer.getMinLifetimeValue() != null && (metrics == null || metrics.lifetimeValue() < offer.getMinLifetimeValue())) {
            return false;
        }
        if (offer.getMinCartValue() != null && (metrics == null || metrics.cartValue() < offer.getMinCartValue())) {
            return false;
        }
        if (!offer.getCategories().isEmpty()) {
            String page = request.context().category();
            return offer.getCategories().stream().anyMatch(c -> c.equals(page) || signals.affinity.containsKey(c));
        }
        return true;
    }

    static boolean isExcluded(Offer offer, CustomerProfile profile) {
        if (profile == null) {
            return false;
        }
        OfferStats stats = profile.getOfferHistory().get(offer.getOfferId());
        if (stats != null) {
            if (stats.getDismissals() >= offer.getMaxDismissals()) {
                return true;
            }
            if (stats.getClicks() == 0 && stats.getImpressions() >= offer.getMaxImpressionsWithoutClick()) {
                return true;
            }
            if (offer.getExcludeIfBought() && stats.getConversions() > 0) {
                return true;
            }
        }
        return offer.getExcludeIfBought() && boughtAnyOf(profile, offer.getItemIds());
    }

    private static boolean boughtAnyOf(CustomerProfile profile, List<String> itemIds) {
        return profile.getRecentOrders().stream().anyMatch(order -> order.getItemIds().stream().anyMatch(itemIds::contains));
    }

    /**
     * The offer's score; with {@code factors} (explain), each factor that contributes is also recorded there. Ranking
     * scores every offer of the catalogue without them, and only the offers picked are scored again with them.
     */
    private static ScoredOffer score(Offer offer, Request request, Signals signals, Map<String, Double> trendingCategories,
                                     Map<String, Double> factors) {
        double relevance = factor(factors, "baseline", BASELINE);
        String category = offer.getCategory();
        RecommendationContext context = request.context();
        if (category != null) {
            relevance += factor(factors, "categoryAffinity", CATEGORY_AFFINITY * signals.normalisedAffinity(category));
            relevance += factor(factors, "pageCategory", category.equals(context.category()) ? PAGE_CATEGORY : 0);
            relevance += factor(factors, "sessionFocus", SESSION_FOCUS * signals.sessionShare(category));
            relevance += factor(factors, "trending", TRENDING * trendingCategories.getOrDefault(category, 0.0));
            relevance += factor(factors, "cartComplement", signals.cartCategories.contains(category) ? CART_COMPLEMENT / 2 : 0);
        }
        double itemInterest = 0;
        double viewed = 0;
        double complement = 0;
        for (String item : offer.getItemIds()) {
            itemInterest = Math.max(itemInterest, signals.normalisedItemAffinity(item));
            viewed = signals.viewedItems.contains(item) ? RECENTLY_VIEWED : viewed;
            complement = Math.max(complement, signals.cartNeighbours.getOrDefault(item, 0.0));
        }
        relevance += factor(factors, "itemInterest", ITEM_INTEREST * itemInterest);
        relevance += factor(factors, "recentlyViewed", viewed);
        if (complement > 0) {
            relevance += CART_COMPLEMENT * complement;
            if (factors != null) {
                factors.merge("cartComplement", CART_COMPLEMENT * complement, Double::sum);
            }
        }
        relevance += factor(factors, "pageItem", context.item() != null && offer.getItemIds().contains(context.item()) ? PAGE_ITEM : 0);

        double fatigue = fatigue(request.personalised() ? request.profile() : null, offer.getOfferId());
        if (factors != null) {
            factors.put("businessValue", offer.getBusinessValue());
            factors.put("fatigue", fatigue);
        }
        return new ScoredOffer(offer, relevance * offer.getBusinessValue() * fatigue, factors == null ? Map.of() : factors);
    }

    /** A relevance factor's value where it contributes (is positive), else 0; recorded when explaining. */
    private static double factor(Map<String, Double> factors, String name, double value) {
        if (value <= 0) {
            return 0;
        }
        if (factors != null) {
            factors.put(name, value);
        }
        return value;
    }

    static double fatigue(CustomerProfile profile, String offerId) {
        OfferStats stats = profile == null ? null : profile.getOfferHistory().get(offerId);
        if (stats == null) {
            return 1.0;
        }
        int unanswered = Math.max(0, stats.getImpressions() - FREE_IMPRESSIONS - 3 * stats.getClicks());
        return Math.pow(FATIGUE_PER_IMPRESSION, unanswered);
    }

    /**
     * Greedy: take the best, discount the rest of its category, repeat.
     *
     * @return the picks, each with its score after the diversity penalty and that penalty as its only factor
     */
    private static List<ScoredOffer> diversify(List<ScoredOffer> candidates, int limit) {
        List<ScoredOffer> remaining = new ArrayList<>(candidates);
        Map<String, Integer> chosenPerCategory = new HashMap<>();
        List<ScoredOffer> chosen = new ArrayList<>();
        // Greedy: each pick is the best under the diversity penalty of the picks before it. A linear scan per pick
        // (not a sort of copies): this runs on every page view, over the whole catalogue.
        while (chosen.size() < limit && !remaining.isEmpty()) {
            int bestIndex = -1;
            ScoredOffer best = null;
            for (int i = 0; i < remaining.size(); i++) {
                ScoredOffer candidate = remaining.get(i);
                double diversity = diversityOf(candidate, chosenPerCategory);
                double score = candidate.score() * diversity;
                if (best != null && score < best.score()) {
                    continue; // the common case, decided without the full comparison
                }
                ScoredOffer adjusted = new ScoredOffer(candidate.offer(), score, Map.of("diversity", diversity));
                if (best == null || BEST_FIRST.compare(adjusted, best) < 0) {
                    best = adjusted;
                    bestIndex = i;
                }
            }
            remaining.remove(bestIndex);
            chosen.add(best);
            if (best.offer().getCategory() != null) {
                chosenPerCategory.merge(best.offer().getCategory(), 1, Integer::sum);
            }
        }
        return chosen;
    }

    private static double diversityOf(ScoredOffer candidate, Map<String, Integer> chosenPerCategory) {
        String category = candidate.offer().getCategory();
        return Math.pow(DIVERSITY, category == null ? 0 : chosenPerCategory.getOrDefault(category, 0));
    }

    /** What a profile says that scoring uses, computed once per request rather than once per offer. */
    record Signals(Map<String, Double> affinity, double maxAffinity, Map<String, Double> itemAffinity, double maxItemAffinity,
                   Set<String> viewedItems, Set<String> cartCategories, Map<String, Double> cartNeighbours,
                   Map<String, Integer> sessionCategories, int sessionTotal) {

        static final Signals NONE = new Signals(Map.of(), 0, Map.of(), 0, Set.of(), Set.of(), Map.of(), Map.of(), 0);

        static Signals of(CustomerProfile profile, CrossSell crossSell) {
            Set<String> viewed = new HashSet<>();
            for (ViewedItem item : profile.getRecentlyViewed()) {
                viewed.add(item.getItemId());
            }
            Set<String> cartCategories = new HashSet<>();
            Map<String, Double> cartNeighbours = new HashMap<>();
            for (CartLine line : profile.getCart()) {
                if (line.getCategory() != null) {
                    cartCategories.add(line.getCategory());
                }
                Map<String, Double> neighbours = crossSell.neighboursOf(line.getItemId());
                double strongest = neighbours.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
                neighbours.forEach((item, w) -> cartNeighbours.merge(item, w / strongest, Math::max));
            }
            Map<String, Integer> session = profile.getSession() == null ? Map.of() : profile.getSession().getCategoryViews();
            return new Signals(profile.getCategoryAffinity(), max(profile.getCategoryAffinity()),
                    profile.getItemAffinity(), max(profile.getItemAffinity()), viewed, cartCategories, cartNeighbours,
                    session, session.values().stream().mapToInt(Integer::intValue).sum());
        }

        private static double max(Map<String, Double> scores) {
            return scores.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        double normalisedAffinity(String category) {
            return maxAffinity > 0 ? affinity.getOrDefault(category, 0.0) / maxAffinity : 0;
        }

        double normalisedItemAffinity(String item) {
            return maxItemAffinity > 0 ? itemAffinity.getOrDefault(item, 0.0) / maxItemAffinity : 0;
        }

        double sessionShare(String category) {
            return sessionTotal > 0 ? (double) sessionCategories.getOrDefault(category, 0) / sessionTotal : 0;
        }
    }
}
