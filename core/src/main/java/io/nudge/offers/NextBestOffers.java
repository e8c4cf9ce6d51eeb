package io.nudge.offers;

import io.nudge.catalogue.Catalogue;
import io.nudge.config.NudgeConfig;
import io.nudge.profile.CustomerMetrics;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.ItemCount;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer to "what should this visitor see now": offers and items, for the customer's group. Shared by the
 * API and (later) the outreach actions, so a web page and an email choose alike.
 */
public final class NextBestOffers implements Serializable {

    /** What the world looks like to scoring at this moment: the offers, the shop's items, cross-sell and trending. */
    public record Market(OfferIndex offers, Catalogue catalogue, CrossSell crossSell, Map<String, Double> trendingCategories,
                         List<ItemCount> trendingItems, SegmentMembership segments) {}

    /** Whether a customer is a member of a segment, as whoever asks knows it (the API's member sets, the job's state). */
    @FunctionalInterface
    public interface SegmentMembership {
        SegmentMembership NONE = (segmentId, customerId) -> false;

        boolean isMember(String segmentId, String customerId);
    }

    /** Whether this customer is in the control group, which gets the unpersonalised ranking. */
    public enum Group { TREATMENT, CONTROL }

    public record Result(Group group, CustomerMetrics metrics, List<ScoredOffer> offers, List<RecommendedItem> items) {}

    private final OfferScorer offerScorer = new OfferScorer();
    private final ItemRecommender itemRecommender;
    private final CustomerMetrics.Thresholds thresholds;
    private final double controlFraction;
    private final boolean knownItemsOnly;
    private final java.time.Duration newWithin;

    /** @param knownItemsOnly whether a non-empty catalogue keeps the items it does not hold out of recommendations */
    public NextBestOffers(ItemRecommender.Weights weights, CustomerMetrics.Thresholds thresholds, double controlFraction, boolean knownItemsOnly,
                          java.time.Duration newWithin) {
        this.itemRecommender = new ItemRecommender(weights);
        this.thresholds = thresholds;
        this.controlFraction = controlFraction;
        this.knownItemsOnly = knownItemsOnly;
        this.newWithin = newWithin;
    }

    public static NextBestOffers from(NudgeConfig config) {
        return new NextBestOffers(ItemRecommender.Weights.from(config), CustomerMetrics.Thresholds.from(config),
                config.get(NudgeConfig.OFFERS_CONTROL_FRACTION), config.get(NudgeConfig.RECOMMEND_KNOWN_ITEMS_ONLY),
                config.get(NudgeConfig.RECOMMEND_NEW_WITHIN));
    }

    /**
     * @param visitorId the id asked about (customer or anonymous), which decides the group
     * @param profile   their profile, or null for a visitor Nudge does not know yet
     * @param explain   whether each offer and item carries the factors that made its score
     */
    public Result recommend(String visitorId, CustomerProfile profile, RecommendationContext context, String channel,
                            Instant now, int limit, boolean explain, Market market) {
        return recommend(visitorId, profile, context, channel, now, limit, explain, market, Set.of());
    }

    public Result recommend(String visitorId, CustomerProfile profile, RecommendationContext context, String channel,
                            Instant now, int limit, boolean explain, Market market, Set<String> withheldOffers) {
        return recommend(visitorId, profile, context, channel, now, limit, explain, market, withheldOffers, null);
    }

    /**
     * @param withheldOffers offers this visitor is not to be given (the other variants of their experiments)
     * @param itemBoost      the factor on each item's score from the visitor's segments, or null for none
     */
    public Result recommend(String visitorId, CustomerProfile profile, RecommendationContext context, String channel,
                            Instant now, int limit, boolean explain, Market market, Set<String> withheldOffers,
                            java.util.function.ToDoubleFunction<String> itemBoost) {
        Group group = groupOf(visitorId);
        boolean personalised = group == Group.TREATMENT;
        CustomerMetrics metrics = profile == null ? null : CustomerMetrics.of(profile, now, thresholds);
        java.util.function.Predicate<String> inSegment = segmentId -> market.segments().isMember(segmentId, visitorId);
        // Withheld offers are ranked and then dropped: as many more are ranked, so the answer still has its limit.
        List<ScoredOffer> offers = offerScorer.rank(new OfferScorer.Request(profile, metrics, context, channel, now, limit + withheldOffers.size(),
                        personalised, explain, inSegment),
                market.offers(), itemIds -> market.catalogue().anyAvailable(itemIds, knownItemsOnly), market.crossSell(), market.trendingCategories());
        if (!withheldOffers.isEmpty()) {
            offers = offers.stream().filter(offer -> !withheldOffers.contains(offer.offer().getOfferId())).limit(limit).toList();
        }
        List<RecommendedItem> items = itemRecommender.recommend(personalised ? profile : null, now,
                personalised ? context : RecommendationContext.NONE, market.crossSell(), market.trendingItems(),
                new ItemRecommender.NewArrivals(market.catalogue(), newWithin), itemId -> market.catalogue().mayRecommend(itemId, knownItemsOnly),
                limit, explain, personalised ? itemBoost : null);
        return new Result(group, metrics, offers, items);
    }

    /** Deterministic by id, so a customer stays in their group across requests, replicas and restarts. */
    public Group groupOf(String visitorId) {
        long bucket = Integer.toUnsignedLong(visitorId.hashCode() * 0x9E3779B1) % 10_000;
        return bucket < Math.round(controlFraction * 10_000) ? Group.CONTROL : Group.TREATMENT;
    }
}
