package io.nudge.job.profile;

import static io.nudge.job.profile.TriggerEvaluationTest.event;
import static io.nudge.job.profile.TriggerEvaluationTest.outreach;
import static io.nudge.job.profile.TriggerEvaluationTest.rule;
import static io.nudge.job.profile.UpdateCustomerTest.profiles;
import static io.nudge.job.profile.UpdateCustomerTest.view;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.config.NudgeConfig;
import io.nudge.job.triggers.RulesAndOffers;
import io.nudge.job.triggers.RulesAndOffersChange;
import io.nudge.offers.NextBestOffers;
import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.ProfileSettings;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.segments.SegmentEngine;
import io.nudge.triggers.DeliveryPolicy;
import io.nudge.triggers.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Consecutive inputs of one customer folded into one write, and written before anything could need them. */
class CustomerOperatorTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String TIP_ON_EVERY_CART = """
            {"name": "Tip", "when": {"kind": "event", "event": {"type": "add_to_cart"}}, "then": {"channel": "web", "templateId": "tip"}}
            """;

    static KeyedBroadcastOperatorTestHarness<String, ProfileInput, RulesAndOffersChange, ProfileChange> folding() throws Exception {
        NudgeConfig config = NudgeConfig.defaults();
        UpdateCustomer function = new UpdateCustomer(ProfileSettings.defaults(), Duration.ofDays(30), false,
                new Triggers(DeliveryPolicy.from(config), CustomerMetrics.Thresholds.from(config)), SegmentEngine.from(config), new RulesAndOffers(NextBestOffers.from(config), RulesAndOffers.Snapshot.EMPTY));
        var harness = new KeyedBroadcastOperatorTestHarness<String, ProfileInput, RulesAndOffersChange, ProfileChange>(
                new CustomerOperator(function), input -> input.customerId, Types.STRING, 1, 1, 0);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        return harness;
    }

    private static List<String> changelog(KeyedBroadcastOperatorTestHarness<String, ProfileInput, RulesAndOffersChange, ProfileChange> h) {
        return profiles(h).stream().map(p -> p.getProfileKey() + "@" + p.getSequence()).toList();
    }

    @Test
    void aRunOfOneCustomersInputsIsWrittenOnceWithEveryTriggerEvaluated() throws Exception {
        try (var h = folding()) {
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(rule("tip", 1, TIP_ON_EVERY_CART), 0);
            h.processElement(event("ann", EventType.ADD_TO_CART, T0));
            h.processElement(event("ann", EventType.ADD_TO_CART, T0.plusSeconds(1)));
            h.processElement(event("ann", EventType.ADD_TO_CART, T0.plusSeconds(2)));
            assertEquals(3, outreach(h).size(), "triggers evaluated input by input");
            assertEquals(List.of(), changelog(h), "ann is held while her inputs keep coming");

            h.processElement(view("bob", "mug", "kitchen", T0.plusSeconds(3)));

            assertEquals(List.of("ann@3"), changelog(h), "one record for her three inputs, when another customer's came");
            CustomerProfile ann = profiles(h).get(0);
            assertEquals(3L, ann.getEventCounts().get("ADD_TO_CART"));
        }
    }

    @Test
    void theCustomerHeldBackIsWrittenBeforeAWatermarkAndSoonAfterTheLastInput() throws Exception {
        try (var h = folding()) {
            UpdateCustomerTest.open(h);
            h.processElement(view("ann", "mug", "kitchen", T0));
            h.processWatermark(T0.toEpochMilli());
            assertEquals(List.of("ann@1"), changelog(h), "before the watermark");

            h.processElement(view("ann", "cup", "kitchen", T0.plusSeconds(1)));
            assertEquals(List.of("ann@1"), changelog(h));
            h.setProcessingTime(h.getProcessingTime() + CustomerOperator.WRITE_WITHIN.toMillis());
            assertEquals(List.of("ann@1", "ann@2"), changelog(h), "a quiet stream does not hold her back");
        }
    }

    @Test
    void aCheckpointHoldsEveryInputBeforeIt() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = folding()) {
            UpdateCustomerTest.open(h);
            h.processElement(view("ann", "mug", "kitchen", T0));
            h.processElement(view("ann", "cup", "kitchen", T0.plusSeconds(1)));
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
            assertEquals(List.of("ann@2"), changelog(h), "written before the barrier");
        }
        try (var restored = folding()) {
            restored.initializeState(snapshot);
            UpdateCustomerTest.open(restored);
            restored.processElement(view("ann", "pot", "kitchen", T0.plusSeconds(2)));
            restored.processElement(view("bob", "pan", "kitchen", T0.plusSeconds(3)));
            assertEquals(List.of("ann@3"), changelog(restored), "nothing lost, nothing repeated");
            assertEquals(List.of("pot", "cup", "mug"), profiles(restored).get(0).getRecentlyViewed().stream().map(v -> v.getItemId()).toList());
        }
    }
}
