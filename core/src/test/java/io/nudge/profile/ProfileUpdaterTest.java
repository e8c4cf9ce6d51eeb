package io.nudge.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.Channel;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.OfferStats;
import io.nudge.schemas.Order;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.ViewedItem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileUpdaterTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private final ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());

    static InteractionEvent.Builder event(EventType type, Instant at) {
        return InteractionEvent.newBuilder().setEventId(type + "@" + at).setCustomerId("c-1").setType(type).setEventTime(at);
    }

    private CustomerProfile applyAll(InteractionEvent... events) {
        CustomerProfile profile = null;
        for (InteractionEvent e : events) {
            profile = updater.apply(profile, e);
        }
        return profile;
    }

    @Test
    void countsEventsPerTypeAndBumpsTheSequenceOnEveryEvent() {
        CustomerProfile profile = applyAll(
                event(EventType.PAGE_VIEW, T0).setPage("home").build(),
                event(EventType.PRODUCT_VIEW, T0.plusSeconds(1)).setItemId("a").build(),
                event(EventType.PRODUCT_VIEW, T0.plusSeconds(2)).setItemId("b").build());

        assertEquals("c-1", profile.getProfileKey());
        assertEquals(3, profile.getSequence());
        assertEquals(Map.of("PAGE_VIEW", 1L, "PRODUCT_VIEW", 2L), profile.getEventCounts());
        assertEquals(T0, profile.getFirstSeen());
        assertEquals(T0.plusSeconds(2), profile.getLastSeen());
    }

    @Test
    void recentlyViewedIsNewestFirstByEventTimeDeduplicatedAndCapped() {
        ProfileUpdater small = new ProfileUpdater(ProfileSettings.from(NudgeConfig.defaults().with(NudgeConfig.PROFILE_RECENTLY_VIEWED_MAX, 3)));
        CustomerProfile profile = null;
        for (String item : List.of("a", "b", "c", "d")) {
            profile = small.apply(profile, event(EventType.PRODUCT_VIEW, T0.plusSeconds(item.charAt(0))).setItemId(item).build());
        }
        // "b" seen again, then a late view of "z" that happened before everything else
        profile = small.apply(profile, event(EventType.PRODUCT_VIEW, T0.plusSeconds(500)).setItemId("b").build());
        profile = small.apply(profile, event(EventType.PRODUCT_VIEW, T0.minusSeconds(60)).setItemId("z").build());

        assertEquals(List.of("b", "d", "c"), profile.getRecentlyViewed().stream().map(ViewedItem::getItemId).toList());
    }

    @Test
    void cartFollowsAddsRemovesAndPurchases() {
        CustomerProfile profile = applyAll(
                event(EventType.ADD_TO_CART, T0).setItemId("mug").setCategory("kitchen").setQuantity(2).setPrice(4.0).build(),
                event(EventType.ADD_TO_CART, T0.plusSeconds(1)).setItemId("mug").setQuantity(1).build(),
                event(EventType.ADD_TO_CART, T0.plusSeconds(2)).setItemId("lamp").setCategory("home").setPrice(30.0).build(),
                event(EventType.REMOVE_FROM_CART, T0.plusSeconds(3)).setItemId("mug").setQuantity(1).build());
        assertEquals(2, profile.getCart().size());
        assertEquals(2, profile.getCart().get(0).getQuantity());

        profile = updater.apply(profile, event(EventType.PURCHASE, T0.plusSeconds(4)).setItemId("lamp").setPrice(30.0)
                .setQuantity(1).setCurrency("EUR").setAttributes(Map.of("orderId", "o-1")).build());
        profile = updater.apply(profile, event(EventType.PURCHASE, T0.plusSeconds(4)).setItemId("mug").setPrice(4.0)
                .setQuantity(2).setCurrency("EUR").setAttributes(Map.of("orderId", "o-1")).build());

        assertTrue(profile.getCart().isEmpty(), "purchased items leave the cart");
        assertEquals(1, profile.getPurchaseCount(), "two lines of one order are one purchase");
        assertEquals(38.0, profile.getTotalSpend(), 1e-9);
        assertEquals("o-1", profile.getLastPurchase().getOrderId());
        assertEquals(38.0, profile.getLastPurchase().getValue(), 1e-9);
    }

    @Test
    void aLatePurchaseCountsButDoesNotBecomeTheLastOne() {
        CustomerProfile profile = applyAll(
                event(EventType.PURCHASE, T0).setItemId("new").setPrice(10.0).setAttributes(Map.of("orderId", "o-2")).build(),
                event(EventType.PURCHASE, T0.minusSeconds(3600)).setItemId("old").setPrice(5.0).setAttributes(Map.of("orderId", "o-1")).build());

        assertEquals(2, profile.getPurchaseCount());
        assertEquals(15.0, profile.getTotalSpend(), 1e-9);
        assertEquals("o-2", profile.getLastPurchase().getOrderId());
    }

    @Test
    void affinityWeighsPurchasesAboveViewsAndDecaysWithEventTime() {
        CustomerProfile profile = applyAll(
                event(EventType.PRODUCT_VIEW, T0).setItemId("a").setCategory("garden").build(),
                event(EventType.PURCHASE, T0).setItemId("b").setCategory("kitchen").setPrice(1.0).build());
        assertTrue(profile.getCategoryAffinity().get("kitchen") > profile.getCategoryAffinity().get("garden"));

        // Seven days (one half-life) later, a view halves what came before it.
        profile = updater.apply(profile, event(EventType.PRODUCT_VIEW, T0.plus(Duration.ofDays(7))).setItemId("c").setCategory("toys").build());
        assertEquals(2.5, profile.getCategoryAffinity().get("kitchen"), 1e-9);
        assertEquals(0.5, profile.getCategoryAffinity().get("garden"), 1e-9);
        assertEquals(1.0, profile.getCategoryAffinity().get("toys"), 1e-9);
    }

    @Test
    void affinityDoesNotDependOnArrivalOrder() {
        InteractionEvent early = event(EventType.ADD_TO_CART, T0).setItemId("a").setCategory("garden").build();
        InteractionEvent late = event(EventType.PRODUCT_VIEW, T0.plus(Duration.ofDays(3))).setItemId("b").setCategory("garden").build();

        double inOrder = applyAll(early, late).getCategoryAffinity().get("garden");
        double outOfOrder = applyAll(late, early).getCategoryAffinity().get("garden");

        assertEquals(inOrder, outOfOrder, 1e-9);
    }

    @Test
    void eventsWithoutProfileEffectOnlyCount() {
        CustomerProfile profile = applyAll(event(EventType.EMAIL_OPEN, T0).build());
        assertEquals(Map.of("EMAIL_OPEN", 1L), profile.getEventCounts());
        assertTrue(profile.getCategoryAffinity().isEmpty());
        assertNull(profile.getLastPurchase());
    }

    @Test
    void anonymousVisitorsAreKeyedByTheirAnonymousId() {
        CustomerProfile profile = updater.apply(null, InteractionEvent.newBuilder().setEventId("e").setAnonymousId("anon-9")
                .setType(EventType.PAGE_VIEW).setEventTime(T0).build());
        assertEquals("anon-9", profile.getProfileKey());
    }

    private static InteractionEvent purchase(String order, String item, double price, Instant at) {
        return event(EventType.PURCHASE, at).setEventId(order + "/" + item).setItemId(item).setPrice(price).setQuantity(1)
                .setAttributes(Map.of("orderId", order)).build();
    }

    @Test
    void ordersGroupTheirLinesNewestFirstAndAreCapped() {
        ProfileUpdater small = new ProfileUpdater(ProfileSettings.from(NudgeConfig.defaults().with(NudgeConfig.PROFILE_ORDERS_MAX, 2)));
        CustomerProfile profile = null;
        for (InteractionEvent e : List.of(purchase("o1", "a", 2.0, T0), purchase("o1", "b", 3.0, T0),
                purchase("o3", "c", 1.0, T0.plusSeconds(20)), purchase("o2", "d", 1.0, T0.plusSeconds(10)))) {
            profile = small.apply(profile, e);
        }
        assertEquals(List.of("o3", "o2"), profile.getRecentOrders().stream().map(Order::getOrderId).toList());
        assertEquals(3, profile.getPurchaseCount());
        assertEquals(7.0, profile.getTotalSpend(), 1e-9);

        CustomerProfile twoLines = applyAll(purchase("o1", "a", 2.0, T0), purchase("o1", "b", 3.0, T0));
        assertEquals(List.of("a", "b"), twoLines.getRecentOrders().get(0).getItemIds());
        assertEquals(5.0, twoLines.getRecentOrders().get(0).getValue(), 1e-9);
    }

    @Test
    void itemAffinityRemembersRepeatPurchasesAndKeepsOnlyTheStrongestItems() {
        ProfileUpdater small = new ProfileUpdater(ProfileSettings.from(NudgeConfig.defaults().with(NudgeConfig.PROFILE_ITEMS_MAX, 2)));
        CustomerProfile profile = null;
        for (InteractionEvent e : List.of(purchase("o1", "tea", 2.0, T0), purchase("o2", "tea", 2.0, T0.plusSeconds(60)),
                event(EventType.PRODUCT_VIEW, T0.plusSeconds(70)).setItemId("mug").build(),
                event(EventType.PRODUCT_VIEW, T0.plusSeconds(80)).setItemId("spoon").build(),
                event(EventType.PRODUCT_VIEW, T0.plusSeconds(90)).setItemId("spoon").build())) {
            profile = small.apply(profile, e);
        }
        assertEquals(2, profile.getItemAffinity().size());
        assertTrue(profile.getItemAffinity().get("tea") > profile.getItemAffinity().get("spoon"), profile.getItemAffinity().toString());
        assertFalse(profile.getItemAffinity().containsKey("mug"), "the weakest item made room");
    }

    @Test
    void aSessionEndsAfterTheInactivityGapInEventTime() {
        CustomerProfile profile = applyAll(
                event(EventType.PAGE_VIEW, T0).setPage("home").build(),
                event(EventType.PRODUCT_VIEW, T0.plusSeconds(60)).setItemId("lamp").setCategory("lighting").build(),
                event(EventType.PRODUCT_VIEW, T0.plusSeconds(120)).setItemId("bulb").setCategory("lighting").build());
        assertEquals(T0, profile.getSession().getStartedAt());
        assertEquals(3, profile.getSession().getPageViews());
        assertEquals(Map.of("lighting", 2), profile.getSession().getCategoryViews());
        assertEquals(List.of("lamp", "bulb"), profile.getSession().getViewedItems());

        profile = updater.apply(profile, event(EventType.PRODUCT_VIEW, T0.plus(Duration.ofHours(2))).setItemId("rug").setCategory("textiles").build());
        assertEquals(T0.plus(Duration.ofHours(2)), profile.getSession().getStartedAt(), "30 minutes of silence started a new session");
        assertEquals(Map.of("textiles", 1), profile.getSession().getCategoryViews());

        profile = updater.apply(profile, event(EventType.PRODUCT_VIEW, T0.plusSeconds(180)).setItemId("old").setCategory("garden").build());
        assertEquals(List.of("rug"), profile.getSession().getViewedItems(), "a late event of the previous session leaves this one alone");
    }

    @Test
    void offerFeedbackIsCountedPerOffer() {
        CustomerProfile profile = applyAll(
                event(EventType.OFFER_IMPRESSION, T0).setOfferId("x").build(),
                event(EventType.OFFER_IMPRESSION, T0.plusSeconds(5)).setOfferId("x").build(),
                event(EventType.OFFER_CLICK, T0.plusSeconds(6)).setOfferId("x").build(),
                event(EventType.OFFER_DISMISS, T0.plusSeconds(7)).setOfferId("y").build(),
                event(EventType.PURCHASE, T0.plusSeconds(8)).setItemId("i").setOfferId("x").build());
        assertEquals(new OfferStats(2, 1, 0, 1, T0.plusSeconds(5)), profile.getOfferHistory().get("x"));
        assertEquals(1, profile.getOfferHistory().get("y").getDismissals());
    }

    @Test
    void consentAndTimeZoneFollowTheCustomersWord() {
        CustomerProfile profile = applyAll(
                event(EventType.CONSENT_CHANGE, T0).setChannel(Channel.EMAIL).setAttributes(Map.of("granted", "true")).build(),
                event(EventType.CONSENT_CHANGE, T0.plusSeconds(1)).setChannel(Channel.SMS).setAttributes(Map.of("granted", "false")).build(),
                event(EventType.PAGE_VIEW, T0.plusSeconds(2)).setAttributes(Map.of("timeZone", "Europe/Berlin")).build(),
                event(EventType.PAGE_VIEW, T0.plusSeconds(3)).setAttributes(Map.of("timeZone", "Mars/Olympus")).build());
        assertEquals(Map.of("email", true, "sms", false), profile.getConsent());
        assertEquals("Europe/Berlin", profile.getTimeZone(), "an unknown zone does not replace a good one");
    }

    @Test
    void anIdentifiedVisitorsHistoryIsAbsorbedIntoTheCustomer() {
        CustomerProfile visitor = updater.apply(null, InteractionEvent.newBuilder().setEventId("v1").setAnonymousId("anon-1")
                .setType(EventType.ADD_TO_CART).setEventTime(T0).setItemId("lamp").setCategory("lighting").setQuantity(1).build());
        visitor = updater.apply(visitor, InteractionEvent.newBuilder().setEventId("v2").setAnonymousId("anon-1")
                .setType(EventType.CONSENT_CHANGE).setEventTime(T0).setChannel(Channel.EMAIL).setAttributes(Map.of("granted", "true")).build());
        CustomerProfile customer = applyAll(
                event(EventType.PRODUCT_VIEW, T0.minusSeconds(3600)).setItemId("rug").setCategory("textiles").build(),
                event(EventType.CONSENT_CHANGE, T0.minusSeconds(3600)).setChannel(Channel.EMAIL).setAttributes(Map.of("granted", "false")).build());
        long sequenceBefore = customer.getSequence();

        CustomerProfile merged = updater.absorb(customer, visitor);

        assertEquals("c-1", merged.getProfileKey());
        assertEquals(sequenceBefore + 1, merged.getSequence());
        assertEquals(List.of("lamp"), merged.getCart().stream().map(l -> l.getItemId()).toList());
        assertTrue(merged.getCategoryAffinity().get("lighting") > merged.getCategoryAffinity().get("textiles"));
        assertEquals(1L, merged.getEventCounts().get("ADD_TO_CART"));
        assertEquals(List.of("anon-1"), merged.getLinkedIds());
        assertEquals(Map.of("email", false), merged.getConsent(), "the customer's own consent wins");
    }
}
