package io.nudge.offers;

import io.nudge.profile.CustomerMetrics;
import io.nudge.schemas.CartLine;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.Offer;
import io.nudge.schemas.OfferStats;
import io.nudge.schemas.Order;
import io.nudge.schemas.ViewedItem;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

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

    /**
     * One recommendation request: who, where, on which channel, whether to personalise at all, and whether to say
     * why (each pick's factors; without, the picks carry none).
     */
    public record Request(CustomerProfile profile, CustomerMetrics metrics, RecommendationContext context, String channel,
                          Instant now, int limit, boolean personalised, boolean explain, Predicate<String> inSegment) {

        /** A request of a customer in no segment. */
        public Request(CustomerProfile profile, CustomerMetrics metrics, RecommendationContext context, String channel,
                       Instant now, int limit, boolean personalised, boolean explain) {
            this(profile, metrics, context, channel, now, limit, personalised, explain, segmentId -> false);
        }
    }

    /**
     * The same result as scoring every offer and picking greedily, for a fraction of the work: the
     * offers this request reaches (through the items the profile and the page name and the profile's offer history)
     * are scored one by one; every other offer scores its category's relevance times its business value, so each
     * category's shelf yields them best first and only its top is ever looked at.
     *
     * @param anyAvailable       whether an offer of these items can be taken up (the shop has one of them to sell)
     * @param trendingCategories each category's share of current interactions (0..1), for everyone; the one
     *                           relevance signal a new visitor has
     */
    public List<ScoredOffer> rank(Request request, OfferIndex index, Predicate<List<String>> anyAvailable, CrossSell crossSell,
                                  Map<String, Double> trendingCategories) {
        Signals signals = request.personalised() && request.profile() != null
                ? Signals.of(request.profile(), crossSell) : Signals.NONE;
        CustomerProfile personal = request.personalised() ? request.profile() : null;
        OfferIndex.Shelf[] shelves = index.shelves();
        Picking[] picking = new Picking[shelves.length];
        for (int shelf = 0; shelf < shelves.length; shelf++) {
            picking[shelf] = new Picking(shelves[shelf],
                    categoryRelevance(shelves[shelf].category(), request.context(), signals, trendingCategories, null), request.limit());
        }
        OfferIndex.Asked asked = OfferIndex.Asked.of(request.now(), request.channel(), request.metrics(), request.context().category(),
                signals.affinity, anyAvailable, request.personalised() ? request.inSegment() : segmentId -> false);
        Reach reach = REACH.get().reset(index.activeCount());
        try {
            reach.findAll(index, request, signals, personal);
            for (int i = 0; i < reach.count; i++) {
                int position = reach.touched[i];
                if (!index.admits(position, asked)) {
                    continue;
                }
                Offer offer = index.active(position);
                byte flags = reach.flags[position];
                OfferStats stats = (flags & Reach.HISTORY) != 0 ? personal.getOfferHistory().get(offer.getOfferId()) : null;
                if (isExcluded(offer, stats, (flags & Reach.BOUGHT) != 0)) {
                    continue;
                }
                Picking shelf = picking[index.shelfOf(position)];
                double score = combine(shelf.relevance, reach.interest[position], (flags & Reach.VIEWED) != 0,
                        reach.complement[position], (flags & Reach.PAGE_ITEM) != 0, fatigue(stats), offer.getBusinessValue(), null);
                shelf.add(new Candidate(offer, score));
            }
            return pick(request, signals, trendingCategories, picking, index, asked, reach.reached);
        } finally {
            reach.clear();
        }
    }

    private static List<ScoredOffer> pick(Request request, Signals signals, Map<String, Double> trendingCategories, Picking[] picking,
                                          OfferIndex index, OfferIndex.Asked asked, boolean[] reached) {
        List<ScoredOffer> picks = new ArrayList<>(request.limit());
        while (picks.size() < request.limit()) {
            Picking bestShelf = null;
            Candidate best = null;
            double bestScore = 0;
            for (Picking shelf : picking) {
                Candidate candidate = shelf.best(index, asked, reached);
                if (candidate == null) {
                    continue;
                }
                double score = candidate.score * shelf.diversity;
                if (best == null || isBetter(score, candidate.offer, bestScore, best.offer)) {
                    bestShelf = shelf;
                    best = candidate;
                    bestScore = score;
                }
            }
            if (best == null) {
                break;
            }
            picks.add(explained(best.offer, bestScore, bestShelf, request, signals, trendingCategories));
            bestShelf.take(best);
        }
        return picks;
    }

    /** Per request thread: arrays as long as the offers would otherwise be allocated on every page view. */
    private static final ThreadLocal<Reach> REACH = ThreadLocal.withInitial(Reach::new);

    /**
     * The active offers whose score has a part of their own for this request, found from the items the request names
     * and the profile's offer history rather than from each offer: per reached offer, what its items add.
     */
    private static final class Reach {
        static final byte VIEWED = 1;
        static final byte PAGE_ITEM = 2;
        /** In the customer's offer history: it may be tired or excluded. */
        static final byte HISTORY = 4;
        /** Holds an item of the customer's recent orders: excluded if it is a one-off. */
        static final byte BOUGHT = 8;

        boolean[] reached = new boolean[0];
        double[] interest = new double[0];
        double[] complement = new double[0];
        byte[] flags = new byte[0];
        int[] touched = new int[0];
        int count;

        Reach reset(int offers) {
            if (reached.length < offers) {
                reached = new boolean[offers];
                interest = new double[offers];
                complement = new double[offers];
                flags = new byte[offers];
                touched = new int[offers];
            }
            return this;
        }

        void findAll(OfferIndex index, Request request, Signals signals, CustomerProfile personal) {
            for (String item : signals.itemAffinity.keySet()) {
                double value = signals.normalisedItemAffinity(item);
                for (int position : index.holdersOf(item)) {
                    touch(position);
                    interest[position] = Math.max(interest[position], value);
                }
            }
            for (String item : signals.viewedItems) {
                for (int position : index.holdersOf(item)) {
                    touch(position);
                    flags[position] |= VIEWED;
                }
            }
            for (Map.Entry<String, Double> neighbour : signals.cartNeighbours.entrySet()) {
                for (int position : index.holdersOf(neighbour.getKey())) {
                    touch(position);
                    complement[position] = Math.max(complement[position], neighbour.getValue());
                }
            }
            if (request.context().item() != null) {
                for (int position : index.holdersOf(request.context().item())) {
                    touch(position);
                    flags[position] |= PAGE_ITEM;
                }
            }
            if (personal != null) {
                for (String offerId : personal.getOfferHistory().keySet()) {
                    int position = index.positionOf(offerId);
                    if (position >= 0) {
                        touch(position);
                        flags[position] |= HISTORY;
                    }
                }
                for (Order order : personal.getRecentOrders()) {
                    for (String item : order.getItemIds()) {
                        for (int position : index.holdersOf(item)) {
                            touch(position);
                            flags[position] |= BOUGHT;
                        }
                    }
                }
            }
        }

        private void touch(int position) {
            if (!reached[position]) {
                reached[position] = true;
                touched[count++] = position;
            }
        }

        void clear() {
            for (int i = 0; i < count; i++) {
                int position = touched[i];
                reached[position] = false;
                interest[position] = 0;
                complement[position] = 0;
                flags[position] = 0;
            }
            count = 0;
        }
    }

    /** The full scan's order: higher score, then higher priority, then offer id. */
    private static boolean isBetter(double score, Offer offer, double thanScore, Offer than) {
        int byScore = Double.compare(thanScore, score);
        if (byScore != 0) {
            return byScore < 0;
        }
        if (offer.getPriority() != than.getPriority()) {
            return offer.getPriority() > than.getPriority();
        }
        return offer.getOfferId().compareTo(than.getOfferId()) < 0;
    }

    private static ScoredOffer explained(Offer offer, double score, Picking shelf, Request request, Signals signals,
                                  Map<String, Double> trendingCategories) {
        if (!request.explain()) {
            return new ScoredOffer(offer, score, Map.of());
        }
        Map<String, Double> factors = new LinkedHashMap<>();
        double relevance = categoryRelevance(offer.getCategory(), request.context(), signals, trendingCategories, factors);
        score(offer, relevance, request, signals, factors);
        factors.put("diversity", shelf.diversity);
        return new ScoredOffer(offer, score, factors);
    }

    /** An offer that can be picked, with its score before diversity. */
    private record Candidate(Offer offer, double score) {}

    /**
     * One category during picking: a cursor on its shelf, its candidates taken so far (reached offers and the top of
     * the shelf), and the diversity multiplier its earlier picks left it with. A category gives at most {@code limit}
     * picks, best first whatever its multiplier, so it keeps only its best {@code limit} candidates (and any that a
     * multiplier could round to the same score as the last of them).
     */
    private static final class Picking {
        /** Candidates scoring below the kept ones by more than rounding can hide are never picked. */
        private static final double ROUNDING = 1 - 1e-9;

        final OfferIndex.Shelf shelf;
        final double relevance;
        final int keep;
        /** Best first by score, then priority, then offer id. */
        final List<Candidate> pool = new ArrayList<>();
        int cursor;
        double diversity = 1.0;
        int chosen;

        Picking(OfferIndex.Shelf shelf, double relevance, int keep) {
            this.shelf = shelf;
            this.relevance = relevance;
            this.keep = keep;
        }

        void add(Candidate candidate) {
            if (pool.size() >= keep && candidate.score < pool.get(keep - 1).score * ROUNDING) {
                return;
            }
            int at = pool.size();
            while (at > 0 && isBetter(candidate.score, candidate.offer, pool.get(at - 1).score, pool.get(at - 1).offer)) {
                at--;
            }
            pool.add(at, candidate);
            while (pool.size() > keep && pool.get(pool.size() - 1).score < pool.get(keep - 1).score * ROUNDING) {
                pool.remove(pool.size() - 1);
            }
        }

        /**
         * The best candidate of this category under its diversity multiplier. The shelf's next offers score at most
         * the next one's score, so they are taken only while that could still match the best candidate.
         */
        Candidate best(OfferIndex index, OfferIndex.Asked asked, boolean[] reached) {
            while (cursor < shelf.offers().length) {
                Offer offer = shelf.offers()[cursor];
                int position = shelf.positions()[cursor];
                if (reached[position] || !index.admits(position, asked)) {
                    cursor++;
                    continue;
                }
                double score = relevance * offer.getBusinessValue() * 1.0;
                if (!pool.isEmpty() && score * diversity < pool.get(0).score * diversity) {
                    break;
                }
                cursor++;
                add(new Candidate(offer, score));
            }
            if (pool.isEmpty()) {
                return null;
            }
            // A multiplier can round scores that differed to the same value: then priority and offer id decide.
            Candidate best = pool.get(0);
            double bestScore = best.score * diversity;
            for (int i = 1; i < pool.size(); i++) {
                Candidate candidate = pool.get(i);
                double score = candidate.score * diversity;
                if (score < bestScore) {
                    break;
                }
                if (isBetter(score, candidate.offer, bestScore, best.offer)) {
                    best = candidate;
                }
            }
            return best;
        }

        void take(Candidate candidate) {
            for (int i = 0; i < pool.size(); i++) {
                if (pool.get(i) == candidate) {
                    pool.remove(i);
                    break;
                }
            }
            if (shelf.category() != null) {
                chosen++;
                diversity = Math.pow(DIVERSITY, chosen);
            }
        }
    }

    /**
     * Whether the customer's history rules the offer out: dismissed or ignored too often, or a one-off they bought.
     *
     * @param stats  the customer's history with the offer, if any
     * @param bought whether they recently bought one of its items
     */
    static boolean isExcluded(Offer offer, OfferStats stats, boolean bought) {
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
        return offer.getExcludeIfBought() && bought;
    }

    /**
     * What an offer's category alone is worth to this request: the same for every offer of the category. With
     * {@code factors} (explain), each factor that contributes is also recorded there.
     */
    private static double categoryRelevance(String category, RecommendationContext context, Signals signals,
                                            Map<String, Double> trendingCategories, Map<String, Double> factors) {
        double relevance = factor(factors, "baseline", BASELINE);
        if (category != null) {
            relevance += factor(factors, "categoryAffinity", CATEGORY_AFFINITY * signals.normalisedAffinity(category));
            relevance += factor(factors, "pageCategory", category.equals(context.category()) ? PAGE_CATEGORY : 0);
            relevance += factor(factors, "sessionFocus", SESSION_FOCUS * signals.sessionShare(category));
            relevance += factor(factors, "trending", TRENDING * trendingCategories.getOrDefault(category, 0.0));
            relevance += factor(factors, "cartComplement", signals.cartCategories.contains(category) ? CART_COMPLEMENT / 2 : 0);
        }
        return relevance;
    }

    /**
     * The offer's score before diversity, from its category's relevance; what its items add and its fatigue are
     * recorded in {@code factors} when explaining. An offer none of whose items the request names and without
     * history scores {@code categoryRelevance x businessValue} exactly: every other part adds or multiplies nothing.
     */
    static double score(Offer offer, double categoryRelevance, Request request, Signals signals, Map<String, Double> factors) {
        double itemInterest = 0;
        boolean viewed = false;
        double complement = 0;
        for (String item : offer.getItemIds()) {
            itemInterest = Math.max(itemInterest, signals.normalisedItemAffinity(item));
            viewed |= signals.viewedItems.contains(item);
            complement = Math.max(complement, signals.cartNeighbours.getOrDefault(item, 0.0));
        }
        String pageItem = request.context().item();
        return combine(categoryRelevance, itemInterest, viewed, complement, pageItem != null && offer.getItemIds().contains(pageItem),
                fatigue(request.personalised() && request.profile() != null ? request.profile().getOfferHistory().get(offer.getOfferId()) : null),
                offer.getBusinessValue(), factors);
    }

    /** The one place the parts become a score, so that every way of finding the parts gives the very same number. */
    private static double combine(double categoryRelevance, double itemInterest, boolean viewed, double complement, boolean onPage,
                                  double fatigue, double businessValue, Map<String, Double> factors) {
        double relevance = categoryRelevance;
        relevance += factor(factors, "itemInterest", ITEM_INTEREST * itemInterest);
        relevance += factor(factors, "recentlyViewed", viewed ? RECENTLY_VIEWED : 0);
        if (complement > 0) {
            relevance += CART_COMPLEMENT * complement;
            if (factors != null) {
                factors.merge("cartComplement", CART_COMPLEMENT * complement, Double::sum);
            }
        }
        relevance += factor(factors, "pageItem", onPage ? PAGE_ITEM : 0);
        if (factors != null) {
            factors.put("businessValue", businessValue);
            factors.put("fatigue", fatigue);
        }
        return relevance * businessValue * fatigue;
    }

    /** The score of {@code offer} for {@code request} from scratch, as a full scan of every offer would compute it. */
    static double score(Offer offer, Request request, Signals signals, Map<String, Double> trendingCategories) {
        return score(offer, categoryRelevance(offer.getCategory(), request.context(), signals, trendingCategories, null),
                request, signals, null);
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

    /** @param stats the customer's history with the offer; null for none, or when not personalising */
    static double fatigue(OfferStats stats) {
        if (stats == null) {
            return 1.0;
        }
        int unanswered = Math.max(0, stats.getImpressions() - FREE_IMPRESSIONS - 3 * stats.getClicks());
        return Math.pow(FATIGUE_PER_IMPRESSION, unanswered);
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
                double strongest = max(neighbours);
                neighbours.forEach((item, w) -> cartNeighbours.merge(item, w / strongest, Math::max));
            }
            Map<String, Integer> session = profile.getSession() == null ? Map.of() : profile.getSession().getCategoryViews();
            int sessionTotal = 0;
            for (int views : session.values()) {
                sessionTotal += views;
            }
            return new Signals(profile.getCategoryAffinity(), max(profile.getCategoryAffinity()),
                    profile.getItemAffinity(), max(profile.getItemAffinity()), viewed, cartCategories, cartNeighbours,
                    session, sessionTotal);
        }

        /** The largest value, or 0 for none (as {@code DoubleStream.max().orElse(0)}, without the stream). */
        private static double max(Map<String, Double> scores) {
            if (scores.isEmpty()) {
                return 0;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double score : scores.values()) {
                max = Math.max(max, score);
            }
            return max;
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
