package io.nudge.segments;

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
import io.nudge.schemas.TriggerState;
import io.nudge.triggers.RuleEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SegmentEngineTest {

    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    private static final CustomerMetrics.Thresholds THRESHOLDS = CustomerMetrics.Thresholds.from(NudgeConfig.defaults());
    private final SegmentEngine engine = new SegmentEngine(THRESHOLDS, Duration.ofHours(1));
    private final ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());

    /** One customer's profile and state, fed as the job feeds them: the event, then the segments, timers in between. */
    private final class Customer {
        CustomerProfile profile;
        final TriggerState state = RuleEngine.newState();
        final List<SegmentChange> changes = new ArrayList<>();

        void on(InteractionEvent event, List<Segment> segments) {
            until(event.getEventTime().toEpochMilli(), segments);
            profile = updater.apply(profile, event);
            changes.addAll(engine.onEvent(state, segments, profile, event));
        }

        /** Every deadline up to {@code now}, each at its own time, as event-time timers fire. */
        void until(long now, List<Segment> segments) {
            Long next;
            while (profile != null && (next = RuleEngine.nextDeadline(state)) != null && next <= now) {
                changes.addAll(engine.onTime(state, segments, profile, next));
            }
        }
    }

    private static Segment segment(String id, String json) {
        SegmentJson.Parsed parsed = SegmentJson.parse(json, id, 1, true);
        assertTrue(parsed.errors().isEmpty(), parsed.errors().toString());
        return parsed.segment();
    }

    private static InteractionEvent event(String customer, EventType type, Instant at, String category) {
        return InteractionEvent.newBuilder().setEventId(customer + type + at).setCustomerId(customer).setType(type).setEventTime(at)
                .setCategory(category).setItemId(category == null ? null : category + "-item").setPrice(category == null ? null : 20.0)
                .setQuantity(1).setAttributes(type == EventType.PURCHASE ? Map.of("orderId", "o" + at.toEpochMilli()) : Map.of()).build();
    }

    @Test
    void aWindowedCountEntersOnTheThirdViewAndLeavesTheMomentTheOldestViewLeavesTheWindow() {
        List<Segment> segments = List.of(segment("garden", """
                {"name": "Garden browsers", "behaviour": [{"event": {"type": "product_view", "where": {"category": "garden"}}, "atLeast": 3, "within": "7d"}]}"""));
        Customer c = new Customer();
        c.on(event("c", EventType.PRODUCT_VIEW, T0, "garden"), segments);
        c.on(event("c", EventType.PRODUCT_VIEW, T0.plus(Duration.ofDays(1)), "kitchen"), segments);
        c.on(event("c", EventType.PRODUCT_VIEW, T0.plus(Duration.ofDays(2)), "garden"), segments);
        assertTrue(c.changes.isEmpty());
        c.on(event("c", EventType.PRODUCT_VIEW, T0.plus(Duration.ofDays(3)), "garden"), segments);
        assertEquals(List.of(true), c.changes.stream().map(SegmentChange::entered).toList());
        assertEquals(T0.plus(Duration.ofDays(3)).toEpochMilli(), c.changes.get(0).at());
        assertTrue(SegmentEngine.isMember(c.state, "garden"));

        c.until(T0.plus(Duration.ofDays(30)).toEpochMilli(), segments);
        assertEquals(2, c.changes.size());
        SegmentChange left = c.changes.get(1);
        assertFalse(left.entered());
        assertEquals(T0.plus(Duration.ofDays(7)).toEpochMilli(), left.at(), "the first view left the window: two remain");
        assertTrue(left.reason().contains("product_view"), left.reason());
    }

    @Test
    void boughtNothingForSixtyDaysEntersSixtyDaysAfterTheLastPurchaseWithoutAnyEvent() {
        List<Segment> segments = List.of(segment("lapsing", """
                {"name": "Bought, then nothing for 60 days", "profile": {"orders": {"atLeast": 1}},
                 "behaviour": [{"event": {"type": "purchase"}, "atMost": 0, "within": "60d"}]}"""));
        Customer c = new Customer();
        c.on(event("c", EventType.PAGE_VIEW, T0, null), segments);
        c.on(event("c", EventType.PURCHASE, T0.plus(Duration.ofDays(1)), "garden"), segments);
        c.on(event("c", EventType.PURCHASE, T0.plus(Duration.ofDays(10)), "garden"), segments);
        assertTrue(c.changes.isEmpty(), "no order yet, then orders within the window: " + c.changes);

        c.until(T0.plus(Duration.ofDays(100)).toEpochMilli(), segments);
        assertEquals(1, c.changes.size());
        assertTrue(c.changes.get(0).entered());
        assertEquals(T0.plus(Duration.ofDays(70)).toEpochMilli(), c.changes.get(0).at(), "60 days after the last purchase, on the dot");

        c.on(event("c", EventType.PURCHASE, T0.plus(Duration.ofDays(101)), "garden"), segments);
        assertEquals(List.of(true, false), c.changes.stream().map(SegmentChange::entered).toList(), "a purchase ends it at once");
    }

    @Test
    void aNewVersionKeepsMembershipUntilJudgedAndSwitchingOffOrDeletingLeaves() {
        Segment v1 = segment("big", "{\"name\": \"Big spenders\", \"profile\": {\"lifetimeValue\": {\"atLeast\": 10}}}");
        Customer c = new Customer();
        c.on(event("c", EventType.PURCHASE, T0, "garden"), List.of(v1));
        assertEquals(List.of(true), c.changes.stream().map(SegmentChange::entered).toList());

        Segment v2 = new Segment("big", 2, true, "Bigger spenders", new ProfileConditions(java.util.Set.of(), new ProfileConditions.Range(50.0, null),
                null, null, Map.of(), java.util.Set.of(), null, null), List.of());
        c.on(event("c", EventType.PAGE_VIEW, T0.plusSeconds(60), null), List.of(v2));
        assertEquals(List.of(true, false), c.changes.stream().map(SegmentChange::entered).toList(), "20 spent is not big under the new version");
        assertEquals(2, c.changes.get(1).segmentVersion());

        Customer d = new Customer();
        d.on(event("d", EventType.PURCHASE, T0, "garden"), List.of(v1));
        Segment off = new Segment("big", 2, false, v1.name(), v1.profile(), v1.behaviour());
        d.on(event("d", EventType.PAGE_VIEW, T0.plusSeconds(60), null), List.of(off));
        assertEquals(List.of(true, false), d.changes.stream().map(SegmentChange::entered).toList());

        Customer e = new Customer();
        e.on(event("e", EventType.PURCHASE, T0, "garden"), List.of(v1));
        List<SegmentChange> deleted = SegmentEngine.retain(e.state, List.of(), T0.plusSeconds(5).toEpochMilli());
        assertEquals(1, deleted.size());
        assertFalse(deleted.get(0).entered());
        assertFalse(SegmentEngine.isMember(e.state, "big"));
    }

    @Test
    void membershipEqualsABruteForceCountOverRandomCustomers() {
        List<Segment> segments = List.of(
                segment("browsers", """
                        {"name": "Garden browsers with consent", "profile": {"consent": ["email"]},
                         "behaviour": [{"event": {"type": "product_view", "where": {"category": "garden"}}, "atLeast": 2, "within": "3d"}]}"""),
                segment("quiet-buyers", """
                        {"name": "Bought, nothing this week", "profile": {"orders": {"atLeast": 1}, "lifetimeValue": {"atMost": 100}},
                         "behaviour": [{"event": {"type": "purchase"}, "atMost": 0, "within": "7d"}]}"""),
                segment("kitchen", """
                        {"name": "Kitchen people", "profile": {"categoryAffinity": {"kitchen": 0.5}, "cartValue": {"atLeast": 1}},
                         "behaviour": [{"event": {"type": "add_to_cart"}, "atLeast": 1, "atMost": 3, "within": "2d"}]}"""));
        SplittableRandom random = new SplittableRandom(7);
        Map<String, Customer> customers = new HashMap<>();
        Map<String, List<InteractionEvent>> history = new HashMap<>();
        EventType[] types = {EventType.PRODUCT_VIEW, EventType.PRODUCT_VIEW, EventType.ADD_TO_CART, EventType.PURCHASE, EventType.CONSENT_CHANGE};
        String[] categories = {"garden", "kitchen", "toys"};
        long at = T0.toEpochMilli();
        for (int i = 0; i < 6_000; i++) {
            at += random.nextLong(Duration.ofMinutes(20).toMillis());
            String id = "c" + random.nextInt(200);
            EventType type = types[random.nextInt(types.length)];
            InteractionEvent event = type == EventType.CONSENT_CHANGE
                    ? InteractionEvent.newBuilder().setEventId("consent" + i).setCustomerId(id).setType(type).setEventTime(Instant.ofEpochMilli(at))
                            .setChannel(io.nudge.schemas.Channel.EMAIL).setAttributes(Map.of("granted", String.valueOf(random.nextBoolean()))).build()
                    : event(id, type, Instant.ofEpochMilli(at), categories[random.nextInt(categories.length)]);
            customers.computeIfAbsent(id, k -> new Customer()).on(event, segments);
            history.computeIfAbsent(id, k -> new ArrayList<>()).add(event);
        }
        long end = at + Duration.ofDays(1).toMillis();
        customers.values().forEach(c -> c.until(end, segments));

        for (Segment segment : segments) {
            long live = customers.values().stream().filter(c -> SegmentEngine.isMember(c.state, segment.segmentId())).count();
            long bruteForce = customers.entrySet().stream().filter(c -> {
                CustomerProfile profile = c.getValue().profile;
                if (!segment.profile().accepts(profile, Instant.ofEpochMilli(end), THRESHOLDS)) {
                    return false;
                }
                for (Behaviour behaviour : segment.behaviour()) {
                    long count = history.get(c.getKey()).stream().filter(behaviour.event()::matches)
                            .filter(e -> e.getEventTime().toEpochMilli() > end - behaviour.within().toMillis()).count();
                    if (!behaviour.holds((int) count)) {
                        return false;
                    }
                }
                return true;
            }).count();
            assertEquals(bruteForce, live, segment.segmentId());
            assertTrue(live > 0 && live < customers.size(), segment.segmentId() + " has " + live + " of " + customers.size() + ": not a trivial check");
        }
    }
}
