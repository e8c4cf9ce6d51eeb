package io.nudge.job.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.events.ProfileKeys;
import io.nudge.profile.ProfileSettings;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class UpdateProfileTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, CustomerProfile> harness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, CustomerProfile> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new UpdateProfile(ProfileSettings.defaults())),
                        ProfileKeys::of, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        return harness;
    }

    private static StreamRecord<InteractionEvent> view(String customer, String item, String category, Instant at) {
        InteractionEvent event = InteractionEvent.newBuilder().setEventId(customer + item + at).setCustomerId(customer)
                .setType(EventType.PRODUCT_VIEW).setEventTime(at).setItemId(item).setCategory(category).build();
        return new StreamRecord<>(event, at.toEpochMilli());
    }

    private static List<CustomerProfile> profiles(KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, CustomerProfile> h) {
        return h.extractOutputValues();
    }

    @Test
    void emitsEachCustomersUpdatedProfileWithItsOwnSequence() throws Exception {
        try (var h = harness()) {
            h.open();
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
    void profilesSurviveASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(view("alice", "spade", "garden", T0));
            h.processElement(view("alice", "rake", "garden", T0.plusSeconds(1)));
            snapshot = h.snapshot(1L, T0.toEpochMilli());
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(view("alice", "hose", "garden", T0.plusSeconds(2)));

            CustomerProfile alice = profiles(restored).get(0);
            assertEquals(3, alice.getSequence(), "sequence continues from the restored state");
            assertEquals(3L, alice.getEventCounts().get("PRODUCT_VIEW"));
        }
    }
}
