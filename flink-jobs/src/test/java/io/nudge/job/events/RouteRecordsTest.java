package io.nudge.job.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.DeadLetter;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class RouteRecordsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static OneInputStreamOperatorTestHarness<SourceRecord, InteractionEvent> harness() throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new RouteRecords(Duration.ofMinutes(10))));
        harness.open();
        return harness;
    }

    private static SourceRecord read(InteractionEvent event, long offset) {
        return EventRecordDeserializer.read("events", 0, offset, T0.toEpochMilli(), null, Codecs.EVENTS.encode(event));
    }

    private static InteractionEvent view(Instant at) {
        return InteractionEvent.newBuilder().setEventId("e" + at).setCustomerId("c").setType(EventType.PRODUCT_VIEW)
                .setEventTime(at).setItemId("sku").build();
    }

    private static List<DeadLetter> deadLetters(OneInputStreamOperatorTestHarness<SourceRecord, InteractionEvent> h) {
        ConcurrentLinkedQueue<StreamRecord<DeadLetter>> side = h.getSideOutput(RouteRecords.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void validOnTimeEventsPassAndBadRecordsBecomeDeadLettersWithTheirReasonAndBytes() throws Exception {
        try (var h = harness()) {
            byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
            h.processElement(new StreamRecord<>(read(view(T0), 1), T0.toEpochMilli()));
            h.processElement(new StreamRecord<>(EventRecordDeserializer.read("events", 1, 7, 0, null, garbage)));
            h.processElement(new StreamRecord<>(read(InteractionEvent.newBuilder(view(T0)).setItemId(null).build(), 8)));

            assertEquals(List.of(view(T0)), h.extractOutputValues());
            List<DeadLetter> dead = deadLetters(h);
            assertEquals(2, dead.size());
            assertTrue(dead.get(0).getReason().startsWith("undecodable: not Avro"), dead.get(0).getReason());
            assertEquals(7, dead.get(0).getSourceOffset());
            assertEquals(1, dead.get(0).getSourcePartition());
            assertEquals("not avro", StandardCharsets.UTF_8.decode(dead.get(0).getPayload()).toString());
            assertEquals("invalid: itemId: is required", dead.get(1).getReason());
        }
    }

    @Test
    void eventsBeyondTheAllowedLatenessAreRoutedAsLateOthersStillCount() throws Exception {
        try (var h = harness()) {
            h.processWatermark(new Watermark(T0.toEpochMilli()));
            InteractionEvent slightlyLate = view(T0.minus(Duration.ofMinutes(9)));
            InteractionEvent tooLate = view(T0.minus(Duration.ofMinutes(11)));
            h.processElement(new StreamRecord<>(read(slightlyLate, 2), slightlyLate.getEventTime().toEpochMilli()));
            h.processElement(new StreamRecord<>(read(tooLate, 3), tooLate.getEventTime().toEpochMilli()));

            assertEquals(List.of(slightlyLate), h.extractOutputValues());
            DeadLetter late = deadLetters(h).get(0);
            assertTrue(late.getReason().startsWith("late: event time is PT11M behind the watermark"), late.getReason());
            assertEquals(3, late.getSourceOffset());
            assertEquals(tooLate, Codecs.EVENTS.decode(late.getPayload().array()));
        }
    }
}
