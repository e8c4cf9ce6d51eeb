package io.nudge.job.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.catalogue.WatchedItemChange;
import io.nudge.experiments.Experiment;
import io.nudge.experiments.ExperimentJson;
import io.nudge.job.triggers.RulesAndOffersChange;
import io.nudge.schemas.Channel;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.ExperimentDefinition;
import io.nudge.schemas.ExperimentOutcome;
import io.nudge.schemas.OutcomeKind;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import io.nudge.schemas.RuleStatus;
import io.nudge.schemas.SegmentDefinition;
import io.nudge.schemas.TriggerRule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Trigger rules as the job runs them: broadcast rules, keyed customers, event-time timers, RocksDB state. */
class TriggerEvaluationTest {

    /** 10:00 UTC on a weekday: outside the default quiet hours (21:00-08:00 UTC). */
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    static final String CART_ABANDONED = """
            {"name": "Cart abandoned", "priority": 5,
             "when": {"kind": "absence", "first": {"type": "add_to_cart"}, "absent": {"type": "purchase"}, "within": "%s"},
             "then": {"channel": "email", "templateId": "cart-reminder"}}
            """;

    static RulesAndOffersChange rule(String id, int version, String definition) {
        return RulesAndOffersChange.rule(id, new TriggerRule(id, version, RuleStatus.ACTIVE, definition, T0));
    }

    static StreamRecord<ProfileInput> event(String customer, EventType type, Instant at) {
        InteractionEvent.Builder event = InteractionEvent.newBuilder().setEventId(customer + type + at).setCustomerId(customer)
                .setType(type).setEventTime(at).setItemId("lamp").setQuantity(1);
        if (type == EventType.CONSENT_CHANGE) {
            event.setChannel(Channel.EMAIL).setAttributes(Map.of("granted", "true"));
        }
        return new StreamRecord<>(ProfileInput.event(event.build()), at.toEpochMilli());
    }

    static List<OutreachAction> outreach(KeyedBroadcastOperatorTestHarness<String, ProfileInput, RulesAndOffersChange, ProfileChange> h) {
        var output = h.getSideOutput(UpdateCustomer.OUTREACH);
        return output == null ? List.of() : output.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void anAbandonedCartFiresWhenEventTimePassesTheWaitAndAPurchaseCancelsIt() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("cart", 1, CART_ABANDONED.formatted("30m")), 0);
            for (String customer : List.of("ann", "bob")) {
                h.processElement(event(customer, EventType.CONSENT_CHANGE, T0.minusSeconds(60)));
                h.processElement(event(customer, EventType.ADD_TO_CART, T0));
            }
            h.processElement(event("bob", EventType.PURCHASE, T0.plus(Duration.ofMinutes(10))));

            h.processWatermark(T0.plus(Duration.ofMinutes(29)).toEpochMilli());
            assertEquals(List.of(), outreach(h), "not yet");
            h.processWatermark(T0.plus(Duration.ofMinutes(30)).toEpochMilli());

            List<OutreachAction> actions = outreach(h);
            assertEquals(1, actions.size(), actions.toString());
            assertEquals("ann", actions.get(0).getCustomerId());
            assertEquals(OutreachStatus.SEND, actions.get(0).getStatus());
            assertEquals(T0.plus(Duration.ofMinutes(30)), actions.get(0).getDecidedAt());
        }
    }

    @Test
    void aSegmentsMembersEnterOnTheirEventAndLeaveWhenEventTimeEmptiesTheWindow() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(RulesAndOffersChange.segment("carters", new SegmentDefinition("carters", 1, true, """
                    {"name": "Carted twice in an hour", "behaviour": [{"event": {"type": "add_to_cart"}, "atLeast": 2, "within": "1h"}]}
                    """, T0)), 0);
            h.processElement(event("ann", EventType.ADD_TO_CART, T0));
            h.processElement(event("ann", EventType.ADD_TO_CART, T0.plus(Duration.ofMinutes(20))));
            h.processElement(event("bob", EventType.ADD_TO_CART, T0));

            h.processWatermark(T0.plus(Duration.ofMinutes(59)).toEpochMilli());
            assertEquals(List.of("ann entered at " + T0.plus(Duration.ofMinutes(20))), segmentChanges(h));
            h.processWatermark(T0.plus(Duration.ofHours(2)).toEpochMilli());
            assertEquals(List.of("ann entered at " + T0.plus(Duration.ofMinutes(20)), "ann left at " + T0.plus(Duration.ofHours(1))), segmentChanges(h),
                    "the first cart left the window an hour after it, by an event-time timer");

            h.processBroadcastElement(RulesAndOffersChange.segment("carters", null), 0);
            h.processElement(event("ann", EventType.ADD_TO_CART, T0.plus(Duration.ofHours(3))));
            assertEquals(2, segmentChanges(h).size(), "a deleted segment has no members to gain");
        }
    }

    @Test
    void aRuleForASegmentsMembersFiresOnlyForThemFromTheEventThatMadeThemMembers() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(RulesAndOffersChange.segment("big-carts", new SegmentDefinition("big-carts", 1, true, """
                    {"name": "Carts worth 100", "profile": {"cartValue": {"atLeast": 100}}}
                    """, T0)), 0);
            h.processBroadcastElement(rule("cart-help", 1, """
                    {"name": "Help with a big cart", "when": {"kind": "event", "event": {"type": "add_to_cart"}},
                     "who": {"segments": ["big-carts"]}, "then": {"channel": "web", "templateId": "cart-help"}}
                    """), 0);
            for (String customer : List.of("ann", "bob")) {
                double price = customer.equals("ann") ? 150 : 15;
                h.processElement(new StreamRecord<>(ProfileInput.event(InteractionEvent.newBuilder().setEventId(customer + "-cart").setCustomerId(customer)
                        .setType(EventType.ADD_TO_CART).setEventTime(T0).setItemId("lamp").setPrice(price).setQuantity(1).build()), T0.toEpochMilli()));
            }
            assertEquals(List.of("ann entered at " + T0), segmentChanges(h));
            assertEquals(List.of("ann"), outreach(h).stream().map(OutreachAction::getCustomerId).toList(),
                    "the cart that made her a member also fired the rule; bob's small cart did neither");
        }
    }

    @Test
    void anExperimentGivesEachCustomerTheirVariantsRuleAndTheHoldoutNothingCountingEachOnce() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            for (String variant : List.of("a", "b")) {
                h.processBroadcastElement(rule("cart-" + variant, 1, """
                        {"name": "Cart tip %s", "when": {"kind": "event", "event": {"type": "add_to_cart"}},
                         "then": {"channel": "web", "templateId": "cart-tip-%s"}}
                        """.formatted(variant, variant)), 0);
            }
            String definition = """
                    {"name": "Which cart tip", "conversionWindow": "1d",
                     "variants": [{"name": "a", "weight": 1, "rule": "cart-a"}, {"name": "b", "weight": 1, "rule": "cart-b"},
                                  {"name": "holdout", "weight": 1, "holdout": true}]}
                    """;
            h.processBroadcastElement(RulesAndOffersChange.experiment("cart-tips", new ExperimentDefinition("cart-tips", 1, true, definition, T0)), 0);
            Experiment experiment = ExperimentJson.parse(definition, "cart-tips", 1, true).experiment();
            List<String> customers = java.util.stream.IntStream.range(0, 60).mapToObj(i -> "customer-" + i).toList();
            for (String customer : customers) {
                h.processElement(event(customer, EventType.ADD_TO_CART, T0));
                h.processElement(event(customer, EventType.ADD_TO_CART, T0.plusSeconds(60)));
            }
            h.processElement(event("customer-0", EventType.PURCHASE, T0.plus(Duration.ofHours(2))));

            List<ExperimentOutcome> outcomes = h.getSideOutput(UpdateCustomer.EXPERIMENT_OUTCOMES).stream().map(StreamRecord::getValue).toList();
            assertEquals(customers.size(), outcomes.stream().filter(o -> o.getKind() == OutcomeKind.EXPOSURE).count(),
                    "each customer exposed once, however often the rules fire");
            Map<String, Long> exposedPerVariant = outcomes.stream().filter(o -> o.getKind() == OutcomeKind.EXPOSURE)
                    .collect(java.util.stream.Collectors.groupingBy(ExperimentOutcome::getVariant, java.util.stream.Collectors.counting()));
            Map<String, String> variantOf = new java.util.HashMap<>();
            customers.forEach(customer -> variantOf.put(customer, experiment.variantFor(customer).name()));
            assertEquals(variantOf.values().stream().collect(java.util.stream.Collectors.groupingBy(v -> v, java.util.stream.Collectors.counting())),
                    exposedPerVariant, "exposed in the variant their id hashes to");
            assertEquals(java.util.Set.of("a", "b", "holdout"), java.util.Set.copyOf(variantOf.values()));
            for (String customer : customers) {
                List<String> templates = outreach(h).stream().filter(a -> a.getCustomerId().equals(customer)).map(OutreachAction::getTemplateId).distinct().toList();
                String variant = variantOf.get(customer);
                assertEquals(variant.equals("holdout") ? List.of() : List.of("cart-tip-" + variant), templates, customer + " in " + variant);
            }
            ExperimentOutcome purchase = outcomes.stream().filter(o -> o.getKind() == OutcomeKind.PURCHASE).findFirst().orElseThrow();
            assertEquals(variantOf.get("customer-0"), purchase.getVariant());
            assertTrue(purchase.getFirstPurchase());
        }
    }

    static List<String> segmentChanges(KeyedBroadcastOperatorTestHarness<String, ProfileInput, RulesAndOffersChange, ProfileChange> h) {
        var output = h.getSideOutput(UpdateCustomer.SEGMENT_CHANGES);
        return output == null ? List.of() : output.stream().map(StreamRecord::getValue)
                .map(change -> change.getCustomerId() + (change.getEntered() ? " entered at " : " left at ") + change.getAt()).toList();
    }

    @Test
    void withoutConsentTheFiringIsRecordedAsSuppressed() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("cart", 1, CART_ABANDONED.formatted("30m")), 0);
            h.processElement(event("cid", EventType.ADD_TO_CART, T0));
            h.processWatermark(T0.plus(Duration.ofHours(1)).toEpochMilli());
            assertEquals(OutreachStatus.SUPPRESSED, outreach(h).get(0).getStatus());
        }
    }

    @Test
    void anUpdatedRuleChangesBehaviourWithoutTouchingOtherRulesWaits() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("cart", 1, CART_ABANDONED.formatted("30m")), 0);
            h.processBroadcastElement(rule("win-back", 1, """
                    {"name": "Win back", "when": {"kind": "inactivity", "noVisitFor": "2h"}, "then": {"channel": "web", "templateId": "welcome-back"}}
                    """), 0);
            h.processElement(event("ann", EventType.CONSENT_CHANGE, T0.minusSeconds(60)));
            h.processElement(event("ann", EventType.ADD_TO_CART, T0));
            h.processBroadcastElement(rule("cart", 2, CART_ABANDONED.formatted("3h")), 0);
            h.processElement(event("ann", EventType.ADD_TO_CART, T0.plusSeconds(60)));

            h.processWatermark(T0.plus(Duration.ofHours(2)).plusSeconds(60).toEpochMilli());
            assertEquals(List.of("win-back"), outreach(h).stream().map(OutreachAction::getRuleId).toList(),
                    "cart v2 waits 3 h; the win-back rule kept its wait");
            h.processWatermark(T0.plus(Duration.ofHours(3)).plusSeconds(60).toEpochMilli());
            OutreachAction cart = outreach(h).get(1);
            assertEquals("cart", cart.getRuleId());
            assertEquals(2, cart.getRuleVersion());
        }
    }

    @Test
    void atNightTheEmailIsDeferredAndReleasedInTheMorning() throws Exception {
        Instant evening = Instant.parse("2026-11-20T20:45:00Z");
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("cart", 1, CART_ABANDONED.formatted("30m")), 0);
            h.processElement(event("ann", EventType.CONSENT_CHANGE, evening.minusSeconds(60)));
            h.processElement(event("ann", EventType.ADD_TO_CART, evening));
            h.processWatermark(Instant.parse("2026-11-21T07:59:00Z").toEpochMilli());
            assertEquals(List.of(OutreachStatus.DEFERRED), outreach(h).stream().map(OutreachAction::getStatus).toList());
            h.processWatermark(Instant.parse("2026-11-21T08:00:00Z").toEpochMilli());
            assertEquals(List.of(OutreachStatus.DEFERRED, OutreachStatus.SEND), outreach(h).stream().map(OutreachAction::getStatus).toList());
        }
    }

    @Test
    void aForgottenCustomerLeavesNothingBehindAndGetsNothingMore() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("cart", 1, CART_ABANDONED.formatted("30m")), 0);
            h.processElement(event("ann", EventType.CONSENT_CHANGE, T0.minusSeconds(60)));
            CustomerProfile visitor = io.nudge.profile.ProfileUpdater.newProfile("anon-ann", T0.minusSeconds(120));
            h.processElement(new StreamRecord<>(ProfileInput.visitor("ann", visitor), T0.toEpochMilli()));
            h.processElement(event("ann", EventType.ADD_TO_CART, T0));
            h.processElement(new StreamRecord<>(ProfileInput.event(InteractionEvent.newBuilder().setEventId("forget").setCustomerId("ann")
                    .setType(EventType.FORGET).setEventTime(T0.plusSeconds(60)).build()), T0.plusSeconds(60).toEpochMilli()));

            List<ProfileChange> deletions = h.extractOutputValues().stream().filter(ProfileChange::isDeletion).toList();
            assertEquals(List.of(ProfileChange.deleted("ann"), ProfileChange.deleted("anon-ann")), deletions);
            int changes = h.extractOutputValues().size();
            h.processElement(event("ann", EventType.ADD_TO_CART, T0.plusSeconds(120)));
            h.processWatermark(T0.plus(Duration.ofHours(2)).toEpochMilli());
            assertEquals(List.of(), outreach(h), "the pending cart wait went with the customer");
            assertEquals(changes, h.extractOutputValues().size(), "later events rebuild nothing");
        }
    }

    @Test
    void theEndOfAReplayedHistoryFiresNothingThatWasStillWaiting() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("cart", 1, CART_ABANDONED.formatted("30m")), 0);
            h.processElement(event("ann", EventType.CONSENT_CHANGE, T0.minusSeconds(60)));
            h.processElement(event("ann", EventType.ADD_TO_CART, T0));
            h.processWatermark(Long.MAX_VALUE);
            assertEquals(List.of(), outreach(h));
        }
    }

    @Test
    void pendingWaitsAndRulesSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("cart", 1, CART_ABANDONED.formatted("30m")), 0);
            h.processElement(event("ann", EventType.CONSENT_CHANGE, T0.minusSeconds(60)));
            h.processElement(event("ann", EventType.ADD_TO_CART, T0));
            snapshot = h.snapshot(1, T0.toEpochMilli());
        }
        try (var restored = UpdateCustomerTest.harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processBroadcastWatermark(Long.MAX_VALUE);
            restored.processWatermark(T0.plus(Duration.ofMinutes(31)).toEpochMilli());
            assertEquals(List.of("cart"), outreach(restored).stream().map(OutreachAction::getRuleId).toList());
        }
    }

    @Test
    void aPriceDropOfAViewedItemFiresOnceForAKnownCustomerOnly() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("cheaper", 1, """
                    {"name": "Cheaper now", "when": {"kind": "price_drop", "atLeastPercent": 10, "within": "14d"},
                     "then": {"channel": "email", "templateId": "price-drop"}}
                    """), 0);
            h.processElement(event("ann", EventType.CONSENT_CHANGE, T0.minusSeconds(60)));
            h.processElement(event("ann", EventType.PRODUCT_VIEW, T0));
            Instant dropped = T0.plus(Duration.ofHours(2));
            for (String customer : List.of("ann", "ann", "stranger")) {
                h.processElement(new StreamRecord<>(ProfileInput.itemChange(customer, new WatchedItemChange("lamp", "Brass lamp", dropped.toEpochMilli(),
                        80.0, 60.0, false, T0.toEpochMilli(), WatchedItemChange.NEVER)), dropped.toEpochMilli()));
            }
            List<OutreachAction> actions = outreach(h);
            assertEquals(1, actions.size(), "once for ann (the change came twice), nothing for a customer without a profile: " + actions);
            OutreachAction action = actions.get(0);
            assertEquals(OutreachStatus.SEND, action.getStatus());
            assertEquals(dropped, action.getDecidedAt());
            assertEquals("Brass lamp", action.getPayload().get("itemTitle"));
            assertEquals("60.0", action.getPayload().get("price"));
            assertEquals("80.0", action.getPayload().get("seenPrice"));
        }
    }

    @Test
    void theContactHistoryFollowsEachMessageAndAFailedOneDoesNotUseUpTheCap() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("cart", 1, CART_ABANDONED.formatted("30m")), 0);
            h.processElement(event("ann", EventType.CONSENT_CHANGE, T0.minusSeconds(60)));
            h.processElement(event("ann", EventType.ADD_TO_CART, T0));
            h.processWatermark(T0.plus(Duration.ofMinutes(30)).toEpochMilli());
            OutreachAction first = outreach(h).get(0);
            assertEquals(OutreachStatus.SEND, first.getStatus());
            CustomerProfile recorded = UpdateCustomerTest.profiles(h).get(UpdateCustomerTest.profiles(h).size() - 1);
            assertEquals(io.nudge.schemas.ContactStatus.SENT, recorded.getContactHistory().get(0).getStatus());

            // The dispatcher could not deliver it: recorded, and it no longer counts against the one-email-a-day cap.
            long failedAt = T0.plus(Duration.ofMinutes(31)).toEpochMilli();
            h.processElement(new StreamRecord<>(ProfileInput.contactOutcome(new io.nudge.delivery.ContactOutcome("ann", first.getActionId(), "cart",
                    Channel.EMAIL, io.nudge.schemas.ContactStatus.FAILED, "HTTP 400", failedAt)), failedAt));
            CustomerProfile failed = UpdateCustomerTest.profiles(h).get(UpdateCustomerTest.profiles(h).size() - 1);
            assertEquals(io.nudge.schemas.ContactStatus.FAILED, failed.getContactHistory().get(0).getStatus());
            assertEquals("HTTP 400", failed.getContactHistory().get(0).getReason());
            assertEquals(recorded.getSequence() + 1, failed.getSequence());

            h.processElement(event("ann", EventType.ADD_TO_CART, T0.plus(Duration.ofHours(1))));
            h.processWatermark(T0.plus(Duration.ofMinutes(90)).toEpochMilli());
            List<OutreachAction> actions = outreach(h);
            assertEquals(OutreachStatus.SEND, actions.get(actions.size() - 1).getStatus(), "the failed email did not use up today's: " + actions);
        }
    }

    @Test
    void aRegularWhoStopsBuyingIsDueFirstThenAtRiskOncePerSilenceInEventTime() throws Exception {
        try (var h = UpdateCustomerTest.harness()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("due", 1, """
                    {"name": "Due again", "when": {"kind": "purchase_due"}, "then": {"channel": "web", "templateId": "replenish"}}
                    """), 0);
            h.processBroadcastElement(rule("lapsing", 1, """
                    {"name": "Lapsing", "when": {"kind": "churn_risk", "atLeast": 0.1, "horizon": "30d"}, "then": {"channel": "web", "templateId": "miss-you"}}
                    """), 0);
            Instant last = T0.plus(Duration.ofDays(7 * 9));
            for (int week = 0; week < 10; week++) {
                Instant at = T0.plus(Duration.ofDays(7L * week));
                h.processElement(new StreamRecord<>(ProfileInput.event(InteractionEvent.newBuilder().setEventId("buy" + week).setCustomerId("ann")
                        .setType(EventType.PURCHASE).setEventTime(at).setItemId("coffee").setPrice(9.0).setQuantity(1)
                        .setAttributes(Map.of("orderId", "o" + week)).build()), at.toEpochMilli()));
            }
            h.processWatermark(last.plus(Duration.ofDays(5)).toEpochMilli());
            assertEquals(List.of(), outreach(h).stream().map(OutreachAction::getRuleId).toList(), "not due yet, five days after a weekly purchase");
            // Nine weekly gaps, shrunk a little toward the shop's month: due about nine days after the last purchase.
            h.processWatermark(last.plus(Duration.ofDays(12)).toEpochMilli());
            assertEquals(List.of("due"), outreach(h).stream().map(OutreachAction::getRuleId).toList(), "due by the customer's own rhythm");
            // A weekly buyer three weeks quiet: the risk of no purchase in the next 30 days passes 0.1 (before this
            // harness's 30-day idle expiry).
            h.processWatermark(last.plus(Duration.ofDays(25)).toEpochMilli());
            List<String> fired = outreach(h).stream().map(OutreachAction::getRuleId).toList();
            assertEquals(List.of("due", "lapsing"), fired, "then at risk, once: " + fired);
            OutreachAction lapsing = outreach(h).get(1);
            assertTrue(lapsing.getDecidedAt().isAfter(outreach(h).get(0).getDecidedAt()), "at risk later than due");
        }
    }
}
