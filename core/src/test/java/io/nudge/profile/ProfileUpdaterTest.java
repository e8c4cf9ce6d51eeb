package io.nudge.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.schemas.CustomerProfile;
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
        ProfileUpdater small = new ProfileUpdater(new ProfileSettings(3, 50, 50, Duration.ofDays(7), ProfileSettings.DEFAULT_AFFINITY_WEIGHTS));
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
}
