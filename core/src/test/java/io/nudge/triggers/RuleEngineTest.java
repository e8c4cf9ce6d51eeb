package io.nudge.triggers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.nudge.catalogue.WatchedItemChange;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.TriggerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleEngineTest {

    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private final RuleEngine engine = new RuleEngine();
    private final TriggerState state = RuleEngine.newState();

    static Rule rule(String id, String when) {
        return RuleJson.parse("{\"name\": \"" + id + "\", \"when\": " + when + ", \"then\": {\"channel\": \"web\", \"templateId\": \"t\"}}",
                id, 1, true).rule();
    }

    static InteractionEvent event(EventType type, Instant at, String category, Double price) {
        return InteractionEvent.newBuilder().setEventId(type + "@" + at).setCustomerId("c").setType(type).setEventTime(at)
                .setItemId("i").setCategory(category).setPrice(price).build();
    }

    private List<String> fire(Rule rule, EventType type, Instant at) {
        return fire(rule, event(type, at, "garden", 20.0));
    }

    private List<String> fire(Rule rule, InteractionEvent event) {
        return engine.onEvent(state, List.of(rule), event).stream().map(f -> f.rule().ruleId()).toList();
    }

    private List<String> tick(Rule rule, Instant now) {
        return engine.onTime(state, List.of(rule), now.toEpochMilli()).stream().map(f -> f.rule().ruleId()).toList();
    }

    @Test
    void anEventConditionFiresOnEachMatchingEventOnly() {
        Rule rule = rule("big-spend", "{\"kind\": \"event\", \"event\": {\"type\": \"purchase\", \"where\": {\"price\": {\"atLeast\": 100}}}}");
        assertEquals(List.of(), fire(rule, event(EventType.PURCHASE, T0, null, 50.0)));
        assertEquals(List.of("big-spend"), fire(rule, event(EventType.PURCHASE, T0, null, 150.0)));
    }

    @Test
    void aSequenceFiresWhenTheSecondStepComesInTime() {
        Rule rule = rule("view-then-cart", "{\"kind\": \"sequence\", \"first\": {\"type\": \"product_view\"}, \"then\": {\"type\": \"add_to_cart\"}, \"within\": \"10m\"}");
        fire(rule, EventType.PRODUCT_VIEW, T0);
        assertEquals(List.of("view-then-cart"), fire(rule, EventType.ADD_TO_CART, T0.plusSeconds(300)));
        assertEquals(List.of(), fire(rule, EventType.ADD_TO_CART, T0.plusSeconds(400)), "one episode, one firing");

        fire(rule, EventType.PRODUCT_VIEW, T0.plusSeconds(1000));
        assertEquals(List.of(), fire(rule, EventType.ADD_TO_CART, T0.plusSeconds(1000 + 601)), "too late");
    }

    @Test
    void cartAbandonmentWaitsForTheLastChangeAndIsCancelledByAPurchase() {
        Rule rule = rule("cart", "{\"kind\": \"absence\", \"first\": {\"type\": \"add_to_cart\"}, \"absent\": {\"type\": \"purchase\"}, \"within\": \"30m\"}");
        fire(rule, EventType.ADD_TO_CART, T0);
        fire(rule, EventType.ADD_TO_CART, T0.plus(Duration.ofMinutes(20)));
        assertEquals(List.of(), tick(rule, T0.plus(Duration.ofMinutes(31))), "the cart changed at 20 minutes: wait on");
        assertEquals(T0.plus(Duration.ofMinutes(50)).toEpochMilli(), RuleEngine.nextDeadline(state));
        assertEquals(List.of("cart"), tick(rule, T0.plus(Duration.ofMinutes(50))));
        assertEquals(List.of(), tick(rule, T0.plus(Duration.ofHours(5))), "abandoned once");

        fire(rule, EventType.ADD_TO_CART, T0.plus(Duration.ofHours(6)));
        fire(rule, EventType.PURCHASE, T0.plus(Duration.ofHours(6)).plusSeconds(60));
        assertNull(RuleEngine.nextDeadline(state), "bought: nothing to wait for");
    }

    @Test
    void aLatePurchaseFromBeforeTheCartDoesNotCancelIt() {
        Rule rule = rule("cart", "{\"kind\": \"absence\", \"first\": {\"type\": \"add_to_cart\"}, \"absent\": {\"type\": \"purchase\"}, \"within\": \"30m\"}");
        fire(rule, EventType.ADD_TO_CART, T0);
        fire(rule, EventType.PURCHASE, T0.minusSeconds(60));
        assertEquals(List.of("cart"), tick(rule, T0.plus(Duration.ofMinutes(30))));
    }

    @Test
    void aCountFiresOncePerEpisodeAndOutOfOrderEventsCountByEventTime() {
        Rule rule = rule("garden-3", "{\"kind\": \"count\", \"atLeast\": 3, \"within\": \"1h\", \"event\": {\"type\": \"product_view\", \"where\": {\"category\": \"garden\"}}}");
        fire(rule, EventType.PRODUCT_VIEW, T0.plus(Duration.ofMinutes(30)));
        fire(rule, event(EventType.PRODUCT_VIEW, T0.plus(Duration.ofMinutes(10)), "kitchen", 1.0));
        assertEquals(List.of(), fire(rule, EventType.PRODUCT_VIEW, T0.plus(Duration.ofMinutes(50))));
        assertEquals(List.of("garden-3"), fire(rule, EventType.PRODUCT_VIEW, T0.plus(Duration.ofMinutes(20))), "late, but inside the hour");
        assertEquals(List.of(), fire(rule, EventType.PRODUCT_VIEW, T0.plus(Duration.ofMinutes(55))), "still the same episode");

        tick(rule, T0.plus(Duration.ofMinutes(81)));
        tick(rule, T0.plus(Duration.ofMinutes(91)));
        tick(rule, T0.plus(Duration.ofMinutes(111)));
        assertEquals(List.of("garden-3"), List.of(fire(rule, EventType.PRODUCT_VIEW, T0.plus(Duration.ofMinutes(112))),
                fire(rule, EventType.PRODUCT_VIEW, T0.plus(Duration.ofMinutes(113))),
                fire(rule, EventType.PRODUCT_VIEW, T0.plus(Duration.ofMinutes(114)))).stream().flatMap(List::stream).toList(),
                "the window emptied: a new episode fires again");
    }

    @Test
    void aBusyShoppersCountKeepsOnlyTheMatchesThatStillDecide() {
        Rule rule = rule("views-3", "{\"kind\": \"count\", \"atLeast\": 3, \"within\": \"1h\", \"event\": {\"type\": \"product_view\"}}");
        List<String> fired = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fired.addAll(fire(rule, EventType.PRODUCT_VIEW, T0.plusSeconds(10L * i)));
        }
        assertEquals(List.of("views-3"), fired, "one episode however many views");
        assertEquals(3, state.getProgress().get("views-3").getMatchTimes().size(), "the newest three, not the hour's 200");

        Instant hourLater = T0.plusSeconds(10L * 199).plus(Duration.ofHours(1));
        tick(rule, hourLater);
        assertEquals(List.of(), fire(rule, EventType.PRODUCT_VIEW, hourLater.plusSeconds(1)), "the hour before holds no view any more");
        assertEquals(List.of(), fire(rule, EventType.PRODUCT_VIEW, hourLater.plusSeconds(2)));
        assertEquals(List.of("views-3"), fire(rule, EventType.PRODUCT_VIEW, hourLater.plusSeconds(3)), "three new views: a new episode");
    }

    @Test
    void aSumOverAWindowFiresAtItsThreshold() {
        Rule rule = rule("big-cart", "{\"kind\": \"count\", \"atLeast\": 100, \"sumOf\": \"price\", \"within\": \"1d\", \"event\": {\"type\": \"add_to_cart\"}}");
        assertEquals(List.of(), fire(rule, event(EventType.ADD_TO_CART, T0, null, 60.0)));
        assertEquals(List.of("big-cart"), fire(rule, event(EventType.ADD_TO_CART, T0.plusSeconds(10), null, 45.0)));
    }

    @Test
    void inactivityFiresOncePerSilence() {
        Rule rule = rule("win-back", "{\"kind\": \"inactivity\", \"noVisitFor\": \"14d\"}");
        fire(rule, EventType.PAGE_VIEW, T0);
        fire(rule, EventType.PAGE_VIEW, T0.plus(Duration.ofDays(3)));
        assertEquals(List.of(), tick(rule, T0.plus(Duration.ofDays(14))));
        assertEquals(List.of("win-back"), tick(rule, T0.plus(Duration.ofDays(17))));
        assertEquals(List.of(), tick(rule, T0.plus(Duration.ofDays(40))));
    }

    @Test
    void aNewVersionStartsAfreshWhileOtherRulesKeepWaiting() {
        Rule cart = rule("cart", "{\"kind\": \"absence\", \"first\": {\"type\": \"add_to_cart\"}, \"absent\": {\"type\": \"purchase\"}, \"within\": \"30m\"}");
        Rule winBack = rule("win-back", "{\"kind\": \"inactivity\", \"noVisitFor\": \"14d\"}");
        engine.onEvent(state, List.of(cart, winBack), event(EventType.ADD_TO_CART, T0, null, 1.0));
        Rule cartV2 = RuleJson.parse("{\"name\": \"cart\", \"when\": {\"kind\": \"absence\", \"first\": {\"type\": \"add_to_cart\"}, "
                + "\"absent\": {\"type\": \"purchase\"}, \"within\": \"1h\"}, \"then\": {\"channel\": \"web\", \"templateId\": \"t\"}}", "cart", 2, true).rule();

        List<RuleEngine.Firing> firings = engine.onTime(state, List.of(cartV2, winBack), T0.plus(Duration.ofDays(15)).toEpochMilli());
        assertEquals(List.of("win-back"), firings.stream().map(f -> f.rule().ruleId()).toList(),
                "the changed rule's pending wait is gone; the unchanged rule's survived");
    }

    private List<String> change(Rule rule, Instant at, Double seen, Double price, boolean backInStock, Instant viewed, Instant carted) {
        WatchedItemChange change = new WatchedItemChange("kettle", "Kettle", at.toEpochMilli(), seen, price, backInStock,
                viewed == null ? WatchedItemChange.NEVER : viewed.toEpochMilli(), carted == null ? WatchedItemChange.NEVER : carted.toEpochMilli());
        return engine.onItemChange(state, List.of(rule), change).stream().map(f -> f.rule().ruleId()).toList();
    }

    @Test
    void aPriceDropFiresOnceForTheInterestItFollows() {
        Rule rule = rule("cheaper", "{\"kind\": \"price_drop\", \"atLeastPercent\": 10, \"within\": \"7d\"}");
        Instant viewed = T0;
        assertEquals(List.of(), change(rule, T0.plusSeconds(60), 100.0, 95.0, false, viewed, null), "5 % is not enough");
        assertEquals(List.of("cheaper"), change(rule, T0.plusSeconds(120), 100.0, 80.0, false, viewed, null));
        assertEquals(List.of(), change(rule, T0.plusSeconds(180), 100.0, 70.0, false, viewed, null), "same view: once");
        assertEquals(List.of("cheaper"), change(rule, T0.plusSeconds(400), 80.0, 60.0, false, T0.plusSeconds(300), null),
                "looked again, dropped again");
        assertEquals(List.of(), change(rule, T0.plus(Duration.ofDays(9)), 100.0, 10.0, false, T0.plus(Duration.ofDays(1)), null),
                "the view is older than the window");
        assertEquals(List.of(), change(rule, T0.plusSeconds(500), 100.0, 50.0, false, null, null), "never viewed");
    }

    @Test
    void aCartedOnlyConditionIgnoresViews() {
        Rule rule = rule("cart-cheaper", "{\"kind\": \"price_drop\", \"atLeastPercent\": 10, \"interest\": \"carted\", \"within\": \"7d\"}");
        assertEquals(List.of(), change(rule, T0.plusSeconds(60), 100.0, 50.0, false, T0, null));
        assertEquals(List.of("cart-cheaper"), change(rule, T0.plusSeconds(60), 100.0, 50.0, false, T0, T0));
    }

    @Test
    void backInStockFiresOnARestockOfAViewedItemOnly() {
        Rule rule = rule("restocked", "{\"kind\": \"back_in_stock\", \"within\": \"14d\"}");
        assertEquals(List.of(), change(rule, T0.plusSeconds(60), 100.0, 120.0, false, T0, null), "a price rise is no restock");
        assertEquals(List.of("restocked"), change(rule, T0.plusSeconds(120), 100.0, 100.0, true, T0, null));
        assertEquals(List.of(), change(rule, T0.plusSeconds(240), 100.0, 100.0, true, T0, null), "sold out and back again: once per view");
        assertEquals(List.of(), change(rule, T0.plusSeconds(60), 100.0, 50.0, false, T0, null), "a price drop is no restock");
    }

    @Test
    void aPurchaseDueFiresOncePerPurchaseAndANewPurchaseStartsAgain() {
        Rule rule = rule("due", "{\"kind\": \"purchase_due\"}");
        io.nudge.profile.ProfileUpdater updater = new io.nudge.profile.ProfileUpdater(io.nudge.profile.ProfileSettings.defaults());
        io.nudge.schemas.CustomerProfile profile = null;
        io.nudge.profile.PurchaseRhythm.Prior shop = io.nudge.profile.PurchaseRhythm.Prior.DEFAULT;
        for (int week = 0; week < 6; week++) {
            InteractionEvent purchase = InteractionEvent.newBuilder().setEventId("p" + week).setCustomerId("c").setType(EventType.PURCHASE)
                    .setEventTime(T0.plus(Duration.ofDays(7L * week))).setItemId("coffee").setPrice(9.0).setQuantity(1)
                    .setAttributes(java.util.Map.of("orderId", "o" + week)).build();
            profile = updater.apply(profile, purchase);
            engine.onEvent(state, List.of(rule), purchase, profile, shop);
        }
        Instant last = T0.plus(Duration.ofDays(35));
        assertEquals(List.of(), tick(rule, last.plus(Duration.ofDays(3))));
        assertEquals(List.of("due"), tick(rule, last.plus(Duration.ofDays(20))));
        assertEquals(List.of(), tick(rule, last.plus(Duration.ofDays(40))), "once per purchase");

        InteractionEvent again = InteractionEvent.newBuilder().setEventId("p9").setCustomerId("c").setType(EventType.PURCHASE)
                .setEventTime(last.plus(Duration.ofDays(41))).setItemId("coffee").setPrice(9.0).setQuantity(1)
                .setAttributes(java.util.Map.of("orderId", "o9")).build();
        profile = updater.apply(profile, again);
        engine.onEvent(state, List.of(rule), again, profile, shop);
        assertEquals(List.of("due"), tick(rule, last.plus(Duration.ofDays(41 + 60))), "a new purchase, a new due date");
    }
}
