package io.nudge.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Offer;
import io.nudge.schemas.OfferStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfferScorerTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final CustomerMetrics.Thresholds THRESHOLDS = CustomerMetrics.Thresholds.from(NudgeConfig.defaults());
    private final OfferScorer scorer = new OfferScorer();
    private final ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
    private CustomerProfile profile;
    private int events;

    private static Offer.Builder offer(String id, String category, double value, String... items) {
        return Offer.newBuilder().setOfferId(id).setTitle(id).setCategory(category).setBusinessValue(value).setItemIds(List.of(items));
    }

    private static final List<Offer> CATALOGUE = List.of(
            offer("garden-10", "garden", 1.0, "spade").build(),
            offer("garden-seeds", "garden", 0.9, "seeds").build(),
            offer("kitchen-5", "kitchen", 1.5, "mug").build(),
            offer("toys-2", "toys", 2.0).build(),
            offer("expired", "garden", 9.0).setValidUntil(NOW.minusSeconds(1)).build(),
            offer("retired", "garden", 9.0).setStatus(OfferStatus.EXPIRED).build());

    private void apply(EventType type, String item, String category, String offerId) {
        profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId("e" + events++).setCustomerId("c")
                .setType(type).setEventTime(NOW.minusSeconds(60)).setItemId(item).setCategory(category).setOfferId(offerId).build());
    }

    private List<ScoredOffer> rank(RecommendationContext context, List<Offer> offers, int limit) {
        CustomerMetrics metrics = profile == null ? null : CustomerMetrics.of(profile, NOW, THRESHOLDS);
        return scorer.rank(new OfferScorer.Request(profile, metrics, context, "web", NOW, limit, true, true), OfferIndex.of(offers), items -> true, CrossSell.NONE, Map.of());
    }

    private List<String> ids(RecommendationContext context, List<Offer> offers, int limit) {
        return rank(context, offers, limit).stream().map(s -> s.offer().getOfferId()).toList();
    }

    @Test
    void aStrangerGetsValidOffersByBusinessValue() {
        assertEquals(List.of("toys-2", "kitchen-5", "garden-10", "garden-seeds"), ids(RecommendationContext.NONE, CATALOGUE, 10));
    }

    @Test
    void interestInACategoryLiftsItsOffersAndExplainsWhy() {
        for (int i = 0; i < 3; i++) {
            apply(EventType.PRODUCT_VIEW, "spade", "garden", null);
        }
        List<ScoredOffer> ranked = rank(RecommendationContext.NONE, CATALOGUE, 2);

        assertEquals("garden-10", ranked.get(0).offer().getOfferId());
        Map<String, Double> factors = ranked.get(0).factors();
        assertEquals(1.0, factors.get("categoryAffinity"), 1e-9);
        assertEquals(0.5, factors.get("recentlyViewed"), 1e-9);
        assertTrue(factors.get("itemInterest") > 0);
        double relevance = factors.entrySet().stream()
                .filter(e -> !List.of("businessValue", "fatigue", "diversity").contains(e.getKey()))
                .mapToDouble(Map.Entry::getValue).sum();
        assertEquals(ranked.get(0).score(), relevance * factors.get("businessValue") * factors.get("fatigue") * factors.get("diversity"), 1e-9,
                "the explanation multiplies out to the score");
    }

    @Test
    void thePageContextChangesTheAnswer() {
        assertEquals("toys-2", ids(RecommendationContext.NONE, CATALOGUE, 1).get(0));
        assertEquals("kitchen-5", ids(new RecommendationContext("category", "kitchen", null, List.of()), CATALOGUE, 1).get(0));
        assertEquals("garden-seeds", ids(new RecommendationContext("product", null, "seeds", List.of()), CATALOGUE, 1).get(0));
    }

    @Test
    void anOfferDismissedThreeTimesIsNoLongerOffered() {
        apply(EventType.PRODUCT_VIEW, "spade", "garden", null);
        for (int i = 0; i < 2; i++) {
            apply(EventType.OFFER_DISMISS, null, null, "garden-10");
        }
        assertTrue(ids(RecommendationContext.NONE, CATALOGUE, 10).contains("garden-10"));
        apply(EventType.OFFER_DISMISS, null, null, "garden-10");
        assertFalse(ids(RecommendationContext.NONE, CATALOGUE, 10).contains("garden-10"));
    }

    @Test
    void unansweredImpressionsTireAnOfferUntilItIsDropped() {
        apply(EventType.OFFER_IMPRESSION, null, null, "toys-2");
        double fresh = rank(RecommendationContext.NONE, CATALOGUE, 1).get(0).factors().get("fatigue");
        for (int i = 0; i < 5; i++) {
            apply(EventType.OFFER_IMPRESSION, null, null, "toys-2");
        }
        ScoredOffer tired = rank(RecommendationContext.NONE, CATALOGUE, 10).stream()
                .filter(s -> s.offer().getOfferId().equals("toys-2")).findFirst().orElseThrow();
        assertEquals(1.0, fresh);
        assertTrue(tired.factors().get("fatigue") < 0.8, tired.factors().toString());

        List<Offer> strict = List.of(offer("toys-2", "toys", 2.0).setMaxImpressionsWithoutClick(6).build());
        assertEquals(List.of(), ids(RecommendationContext.NONE, strict, 10));
    }

    @Test
    void aOneOffOfferIsNotOfferedAgainOnceBoughtButAReplenishableOneIs() {
        List<Offer> offers = List.of(
                offer("sofa", "home", 1.0, "sofa-1").setExcludeIfBought(true).build(),
                offer("coffee", "kitchen", 1.0, "beans").build());
        profile = updater.apply(null, InteractionEvent.newBuilder().setEventId("p1").setCustomerId("c").setType(EventType.PURCHASE)
                .setEventTime(NOW.minusSeconds(60)).setItemId("sofa-1").setPrice(500.0).setAttributes(Map.of("orderId", "o1")).build());
        profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId("p2").setCustomerId("c").setType(EventType.PURCHASE)
                .setEventTime(NOW.minusSeconds(60)).setItemId("beans").setPrice(5.0).setAttributes(Map.of("orderId", "o1")).build());

        assertEquals(List.of("coffee"), ids(RecommendationContext.NONE, offers, 10));
    }

    @Test
    void eligibilityFollowsStageValueCartChannelAndBudget() {
        List<Offer> offers = List.of(
                offer("vip-only", null, 5.0).setLifecycleStages(List.of("vip")).build(),
                offer("big-spenders", null, 5.0).setMinLifetimeValue(100.0).build(),
                offer("big-cart", null, 5.0).setMinCartValue(50.0).build(),
                offer("sms-only", null, 5.0).setChannels(List.of("sms")).build(),
                offer("sold-out", null, 5.0).setBudget(0L).build(),
                offer("garden-pages", null, 5.0).setCategories(List.of("garden")).build(),
                offer("for-everyone", null, 1.0).build());
        apply(EventType.PRODUCT_VIEW, "spade", "kitchen", null);
        assertEquals(List.of("for-everyone"), ids(RecommendationContext.NONE, offers, 10));

        profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId("cart").setCustomerId("c").setType(EventType.ADD_TO_CART)
                .setEventTime(NOW.minusSeconds(30)).setItemId("grill").setCategory("garden").setPrice(60.0).setQuantity(1).build());
        assertEquals(List.of("big-cart", "garden-pages", "for-everyone"), ids(RecommendationContext.NONE, offers, 10));
    }

    @Test
    void furtherOffersOfAChosenCategoryGiveWayToOtherCategories() {
        List<Offer> offers = List.of(
                offer("garden-a", "garden", 1.0).build(),
                offer("garden-b", "garden", 1.0).build(),
                offer("garden-c", "garden", 1.0).build(),
                offer("kitchen-a", "kitchen", 1.0).build());
        for (int i = 0; i < 3; i++) {
            apply(EventType.PRODUCT_VIEW, "spade", "garden", null);
        }
        for (int i = 0; i < 2; i++) {
            apply(EventType.PRODUCT_VIEW, "mug", "kitchen", null);
        }

        // Without diversity the three garden offers would fill the list: garden interest is the stronger.
        assertEquals(List.of("garden-a", "kitchen-a", "garden-b"), ids(RecommendationContext.NONE, offers, 3));
    }

    @Test
    void theControlGroupGetsTheUnpersonalisedRanking() {
        for (int i = 0; i < 3; i++) {
            apply(EventType.PRODUCT_VIEW, "spade", "garden", null);
        }
        List<ScoredOffer> control = scorer.rank(new OfferScorer.Request(profile, CustomerMetrics.of(profile, NOW, THRESHOLDS),
                RecommendationContext.NONE, "web", NOW, 10, false, true), OfferIndex.of(CATALOGUE), items -> true, CrossSell.NONE, Map.of());
        assertEquals(List.of("toys-2", "kitchen-5", "garden-10", "garden-seeds"),
                control.stream().map(s -> s.offer().getOfferId()).toList());
    }

    @Test
    void theSessionTheCartsCompanionsAndTrendingEachAddTheirPart() {
        apply(EventType.PRODUCT_VIEW, "mug", "kitchen", null);
        profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId("cart").setCustomerId("c").setType(EventType.ADD_TO_CART)
                .setEventTime(NOW.minusSeconds(30)).setItemId("tea").setCategory("drinks").setQuantity(1).build());
        CrossSell teaGoesWithMugs = item -> item.equals("tea") ? Map.of("mug", 2.0, "spoon", 1.0) : Map.of();
        CustomerMetrics metrics = CustomerMetrics.of(profile, NOW, THRESHOLDS);

        ScoredOffer mugs = scorer.rank(new OfferScorer.Request(profile, metrics, RecommendationContext.NONE, "web", NOW, 10, true, true),
                OfferIndex.of(List.of(offer("kitchen-5", "kitchen", 1.5, "mug").build())), items -> true, teaGoesWithMugs, Map.of("kitchen", 0.5)).get(0);

        assertEquals(OfferScorer.CART_COMPLEMENT, mugs.factors().get("cartComplement"), 1e-9, "mugs are the tea's strongest companion");
        assertEquals(OfferScorer.SESSION_FOCUS * 0.5, mugs.factors().get("sessionFocus"), 1e-9, "half of this session was kitchen");
        assertEquals(OfferScorer.TRENDING * 0.5, mugs.factors().get("trending"), 1e-9);
    }

    @Test
    void anOfferForASegmentGoesToItsMembersOnlyAndAnExcludedSegmentNeverSeesIt() {
        apply(EventType.PRODUCT_VIEW, "mug", "kitchen", null);
        CustomerMetrics metrics = CustomerMetrics.of(profile, NOW, THRESHOLDS);
        OfferIndex offers = OfferIndex.of(List.of(offer("vip-mugs", "kitchen", 2.0, "mug").setSegments(List.of("vip-club")).build(),
                offer("welcome-mugs", "kitchen", 1.5, "mug").setExcludeSegments(List.of("vip-club")).build()));
        java.util.function.Function<java.util.function.Predicate<String>, List<String>> offered = inSegment -> scorer.rank(
                new OfferScorer.Request(profile, metrics, RecommendationContext.NONE, "web", NOW, 10, true, false, inSegment),
                offers, items -> true, CrossSell.NONE, Map.of()).stream().map(scored -> scored.offer().getOfferId()).toList();

        assertEquals(List.of("vip-mugs"), offered.apply("vip-club"::equals), "a member: the members' offer, not the one excluding them");
        assertEquals(List.of("welcome-mugs"), offered.apply(segmentId -> false));
    }

    @Test
    void equalScoresBreakOnPriorityThenOfferId() {
        List<Offer> offers = List.of(offer("b", null, 1.0).build(), offer("a", null, 1.0).build(),
                offer("c", null, 1.0).setPriority(5).build());
        assertEquals(List.of("c", "a", "b"), ids(RecommendationContext.NONE, offers, 10));
    }
}
