package io.nudge.job.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.crosssell.ItemPair;
import io.nudge.job.triggers.RulesAndOffers;
import io.nudge.job.triggers.RulesAndOffersChange;
import io.nudge.offers.NextBestOffers;
import io.nudge.profile.CustomerMetrics;
import io.nudge.segments.SegmentEngine;
import io.nudge.triggers.DeliveryPolicy;
import io.nudge.triggers.Triggers;
import io.nudge.profile.ProfileSettings;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

class UpdateCustomerTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration IDLE_TTL = Duration.ofDays(30);

    static KeyedBroadcastOperatorTestHarness<String, ProfileInput, RulesAndOffersChange, ProfileChange> harness() throws Exception {
        return harness(false);
    }

    static KeyedBroadcastOperatorTestHarness<String, ProfileInput, RulesAndOffersChange, ProfileChange> harness(boolean eventTimeOrder) throws Exception {
        NudgeConfig config = NudgeConfig.defaults();
        UpdateCustomer function = new UpdateCustomer(ProfileSettings.defaults(), IDLE_TTL, eventTimeOrder,
                new Triggers(DeliveryPolicy.from(config), CustomerMetrics.Thresholds.from(config), SegmentEngine::isMember), SegmentEngine.from(config), new RulesAndOffers(NextBestOffers.from(config), RulesAndOffers.Snapshot.EMPTY));
        var harness = new KeyedBroadcastOperatorTestHarness<String, ProfileInput, RulesAndOffersChange, ProfileChange>(
                new CoBroadcastWithKeyedOperator<>(function, List.of(RulesAndOffers.RULES, RulesAndOffers.OFFERS, RulesAndOffers.SEGMENTS,
                        RulesAndOffers.EXPERIMENTS)),
                input -> input.customerId, Types.STRING, 1, 1, 0);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        return harness;
    }

    /** Opens the harness with reference data that never holds back event time (in the job: an idle input). */
    static void open(KeyedBroadcastOperatorTestHarness<String, ProfileInput, RulesAndOffersChange, ProfileChange> h) throws Exception {
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
    }

    static StreamRecord<ProfileInput> view(String customer, String item, String category, Instant at) {
        InteractionEvent event = InteractionEvent.newBuilder().setEventId(customer + item + at).setCustomerId(customer)
                .setType(EventType.PRODUCT_VIEW).setEventTime(at).setItemId(item).setCategory(category).build();
        return new StreamRecord<>(ProfileInput.event(event), at.toEpochMilli());
    }

    static List<CustomerProfile> profiles(KeyedBroadcastOperatorTestHarness<String, ProfileInput, RulesAndOffersChange, ProfileChange> h) {
        return h.extractOutputValues().stream().filter(c -> !c.isDeletion()).map(ProfileChange::profile).toList();
    }

    @Test
    void emitsEachCustomersUpdatedProfileWithItsOwnSequence() throws Exception {
        try (var h = harness()) {
            open(h);
            h.processElement(view("alice", "spade", "garden", T0));
            h.processElement(view("bob", "mug", "kitchen", T0));
            h.processElement(view("alice", "rake", "garden", T0.plusSeconds(5)));

            List<CustomerProfile> out = profiles(h);
            assertEquals(3, out.size());
            CustomerProfile alice = out.get(2);
            assertEquals("alice", alice.getProfileKey());
            assertEquals(2, alice.getSequence());
            assertEquals(List.of("rake", "spade"), alice.getRecentlyViewed().stream().map(v -> v.getItemId()).toList());
            assertEquals(1, out.get(1).getSequence(), "bob's sequence is his own");
        }
    }

    @Test
    void anEventSentAgainIsAppliedOnceEvenAfterARestore() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState saved;
        try (var h = harness()) {
            open(h);
            h.processElement(view("alice", "spade", "garden", T0));
            h.processElement(view("alice", "spade", "garden", T0));
            h.processElement(view("alice", "rake", "garden", T0.plusSeconds(5)));
            assertEquals(List.of(1L, 2L), profiles(h).stream().map(CustomerProfile::getSequence).toList(), "the retry changed nothing");
            saved = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(saved);
            open(h);
            h.processElement(view("alice", "rake", "garden", T0.plusSeconds(5)));
            h.processElement(view("alice", "hose", "garden", T0.plusSeconds(9)));
            assertEquals(List.of(3L), profiles(h).stream().map(CustomerProfile::getSequence).toList(), "the ids came back with the state");
        }
    }

    @Test
    void aProfileOutOfTheRecentlyUsedCacheIsReadBackFromStateIntact() throws Exception {
        try (var h = harness()) {
            open(h);
            h.processElement(view("alice", "spade", "garden", T0));
            h.processElement(view("alice", "rake", "garden", T0.plusSeconds(1)));
            for (int other = 0; other <= HeldCustomers.ENTRIES; other++) {
                h.processElement(view("shopper-" + other, "mug", "kitchen", T0.plusSeconds(2)));
            }
            h.processElement(view("alice", "hose", "garden", T0.plusSeconds(3)));

            List<CustomerProfile> out = profiles(h);
            CustomerProfile alice = out.get(out.size() - 1);
            assertEquals(3, alice.getSequence());
            assertEquals(List.of("hose", "rake", "spade"), alice.getRecentlyViewed().stream().map(v -> v.getItemId()).toList());
        }
    }

    @Test
    void itemsViewedInOneSessionBecomePairs() throws Exception {
        try (var h = harness()) {
            open(h);
            h.processElement(view("alice", "lamp", "lighting", T0));
            h.processElement(view("alice", "shade", "lighting", T0.plusSeconds(20)));

            List<ItemPair> pairs = h.getSideOutput(UpdateCustomer.ITEM_PAIRS).stream().map(StreamRecord::getValue).toList();
            assertEquals(List.of("shade->lamp", "lamp->shade"), pairs.stream().map(p -> p.item() + "->" + p.other()).toList());
        }
    }

    @Test
    void inEventTimeOrderTheOutputDoesNotDependOnArrivalOrder() throws Exception {
        List<StreamRecord<ProfileInput>> inOrder = List.of(view("alice", "spade", "garden", T0), view("alice", "rake", "garden", T0.plusSeconds(3)),
                view("alice", "hose", "garden", T0.plusSeconds(3)), view("alice", "mug", "kitchen", T0.plusSeconds(4)));
        List<ProfileChange> expected = null;
        for (List<Integer> arrival : List.of(List.of(0, 1, 2, 3), List.of(3, 2, 1, 0), List.of(2, 0, 3, 1))) {
            try (var h = harness(true)) {
                open(h);
                for (int index : arrival) {
                    h.processElement(inOrder.get(index));
                }
                h.processWatermark(UpdateCustomer.batchEnd(T0.toEpochMilli()) - 1);
                assertEquals(List.of(), h.extractOutputValues(), "nothing is applied before the watermark passes the end of its slot");
                h.processWatermark(UpdateCustomer.batchEnd(T0.toEpochMilli()));
                List<ProfileChange> out = h.extractOutputValues();
                if (expected == null) {
                    expected = out;
                    assertEquals(1, out.size(), "the slot's four inputs are written once");
                    assertEquals(4, out.get(0).profile().getSequence());
                    assertEquals(List.of("mug", "hose", "rake", "spade"), out.get(0).profile().getRecentlyViewed().stream()
                            .map(v -> v.getItemId().toString()).toList(), "applied by event time, then event id");
                }
                assertEquals(expected, out, "arrival order " + arrival);
            }
        }
    }

    @Test
    void profilesSurviveASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            open(h);
            h.processElement(view("alice", "spade", "garden", T0));
            h.processElement(view("alice", "rake", "garden", T0.plusSeconds(1)));
            snapshot = h.snapshot(1L, T0.toEpochMilli());
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processBroadcastWatermark(Long.MAX_VALUE);
            restored.processElement(view("alice", "hose", "garden", T0.plusSeconds(2)));

            CustomerProfile alice = profiles(restored).get(0);
            assertEquals(3, alice.getSequence(), "sequence continues from the restored state");
            assertEquals(3L, alice.getEventCounts().get("PRODUCT_VIEW"));
        }
    }

    @Test
    void anIdleProfileExpiresInEventTimeAndAnActiveOneDoesNot() throws Exception {
        try (var h = harness()) {
            open(h);
            h.processElement(view("idle", "spade", "garden", T0));
            h.processElement(view("active", "mug", "kitchen", T0));
            h.processElement(view("active", "cup", "kitchen", T0.plus(Duration.ofDays(20))));

            h.processWatermark(T0.plus(IDLE_TTL).toEpochMilli());
            assertEquals(List.of(ProfileChange.deleted("idle")),
                    h.extractOutputValues().stream().filter(ProfileChange::isDeletion).toList());
            assertEquals(1, h.numEventTimeTimers(), "the active customer's timer moved to its new expiry");

            h.processElement(view("idle", "rake", "garden", T0.plus(IDLE_TTL).plusSeconds(1)));
            assertEquals(1, profiles(h).get(profiles(h).size() - 1).getSequence(), "an expired customer starts afresh");
        }
    }

    @Test
    void theEndOfABoundedInputExpiresNobody() throws Exception {
        try (var h = harness()) {
            open(h);
            h.processElement(view("alice", "spade", "garden", T0));
            h.processWatermark(Long.MAX_VALUE);
            assertTrue(h.extractOutputValues().stream().noneMatch(ProfileChange::isDeletion));
        }
    }

    @Test
    void aVisitorHandedOverIsAbsorbed() throws Exception {
        try (var h = harness()) {
            open(h);
            h.processElement(view("alice", "spade", "garden", T0));
            CustomerProfile visitor = io.nudge.profile.ProfileUpdater.newProfile("anon-1", T0);
            visitor.setCategoryAffinity(Map.of("toys", 3.0));
            visitor.setSequence(4);
            h.processElement(new StreamRecord<>(ProfileInput.visitor("alice", visitor), T0.toEpochMilli()));

            CustomerProfile alice = profiles(h).get(1);
            assertEquals(2, alice.getSequence());
            assertEquals(List.of("anon-1"), alice.getLinkedIds());
            assertTrue(alice.getCategoryAffinity().containsKey("toys"));
        }
    }
}
