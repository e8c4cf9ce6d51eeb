package io.nudge.job.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.profile.ProfileSettings;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class UpdateVisitorTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, ProfileInput> harness() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, ProfileInput>(
                new KeyedProcessOperator<>(new UpdateVisitor(ProfileSettings.defaults(), Duration.ofDays(30))),
                InteractionEvent::getAnonymousId, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        return harness;
    }

    private static StreamRecord<InteractionEvent> event(EventType type, String anonymousId, String customerId, String item, Instant at) {
        return new StreamRecord<>(InteractionEvent.newBuilder().setEventId(type + item + at).setAnonymousId(anonymousId)
                .setCustomerId(customerId).setType(type).setEventTime(at).setItemId(item).setCategory(item == null ? null : "toys").build(),
                at.toEpochMilli());
    }

    private static List<ProfileChange> changes(KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, ProfileInput> h) {
        var output = h.getSideOutput(UpdateVisitor.VISITOR_CHANGES);
        return output == null ? List.of() : output.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aVisitorsEventSentAgainIsAppliedAndForwardedOnce() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(event(EventType.PRODUCT_VIEW, "anon-1", null, "kite", T0));
            h.processElement(event(EventType.PRODUCT_VIEW, "anon-1", null, "kite", T0));
            assertEquals(1, changes(h).size(), "one visitor profile change");
            h.processElement(event(EventType.IDENTIFY, "anon-1", "cust-1", null, T0.plusSeconds(5)));
            h.processElement(event(EventType.PRODUCT_VIEW, "anon-1", "cust-1", "yoyo", T0.plusSeconds(6)));
            h.processElement(event(EventType.PRODUCT_VIEW, "anon-1", "cust-1", "yoyo", T0.plusSeconds(6)));
            assertEquals(1, h.extractOutputValues().stream().filter(input -> input.event != null && "yoyo".equals(input.event.getItemId())).count(),
                    "forwarded to the customer once");
        }
    }

    @Test
    void aVisitorsProfileGoesToTheCustomerOnIdentifyAndLaterEventsFollow() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(event(EventType.PRODUCT_VIEW, "anon-1", null, "kite", T0));
            h.processElement(event(EventType.ADD_TO_CART, "anon-1", null, "kite", T0.plusSeconds(10)));
            assertEquals(List.of(), h.extractOutputValues(), "an unknown visitor's events stay with the visitor");
            assertEquals(2, changes(h).size());

            h.processElement(event(EventType.IDENTIFY, "anon-1", "alice", null, T0.plusSeconds(20)));
            h.processElement(event(EventType.PRODUCT_VIEW, "anon-1", null, "yoyo", T0.plusSeconds(30)));

            List<ProfileInput> toCustomer = h.extractOutputValues();
            assertEquals(3, toCustomer.size());
            assertEquals("anon-1", toCustomer.get(0).visitor.getProfileKey(), "first the visitor's history");
            assertEquals(1, toCustomer.get(0).visitor.getCart().size());
            assertEquals(EventType.IDENTIFY, toCustomer.get(1).event.getType());
            assertEquals("alice", toCustomer.get(2).customerId, "a later anonymous event lands on the customer");
            assertEquals("alice", toCustomer.get(2).event.getCustomerId());
            assertTrue(toCustomer.stream().allMatch(input -> input.customerId.equals("alice")));

            ProfileChange pointer = changes(h).get(2);
            assertEquals("alice", pointer.profile().getMergedInto(), "readers of the anonymous id are sent to the customer");
            assertEquals(3, pointer.profile().getSequence());
        }
    }

    @Test
    void aVisitorWithoutHistoryLinksWithoutHandOver() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(event(EventType.IDENTIFY, "anon-2", "bob", null, T0));
            List<ProfileInput> toCustomer = h.extractOutputValues();
            assertEquals(1, toCustomer.size());
            assertNull(toCustomer.get(0).visitor);
            assertEquals(List.of(), changes(h));
        }
    }
}
