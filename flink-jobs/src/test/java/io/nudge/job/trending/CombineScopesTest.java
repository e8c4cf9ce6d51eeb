package io.nudge.job.trending;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Popularity added up before the shuffle counts the same windows as the events one by one. */
class CombineScopesTest {

    private static final long MINUTE = 60_000;
    private static final Duration WINDOW = Duration.ofMinutes(30);
    private static final Duration SLIDE = Duration.ofMinutes(10);

    private static StreamRecord<ScopedEvent> event(String scope, String item, double weight, long minute) {
        ScopedEvent event = new ScopedEvent();
        event.scope = scope;
        event.itemId = item;
        event.category = "kitchen";
        event.weight = weight;
        return new StreamRecord<>(event, minute * MINUTE);
    }

    /** The stream: events, with watermarks between them, some of them late. */
    private static List<Object> stream() {
        List<Object> stream = new ArrayList<>();
        for (int minute = 0; minute < 50; minute++) {
            stream.add(event("*", "mug", 1.0 + minute % 3, minute));
            stream.add(event("kitchen", minute % 2 == 0 ? "mug" : "pan", 1.0, minute));
            if (minute % 7 == 6) {
                stream.add(new Watermark(minute * MINUTE - 5 * MINUTE));
                stream.add(event("*", "mug", 2.0, minute - 12)); // late: some of its windows are out
            }
        }
        stream.add(new Watermark(120 * MINUTE));
        return stream;
    }

    @Test
    void theWindowsCountedAreTheSameAsForTheEventsOneByOne() throws Exception {
        List<Object> direct = new ArrayList<>(stream());
        List<Object> combined = new ArrayList<>();
        try (var h = new OneInputStreamOperatorTestHarness<ScopedEvent, ScopedEvent>(new CombineScopes(SLIDE))) {
            h.open();
            for (Object element : stream()) {
                if (element instanceof Watermark mark) {
                    h.processWatermark(mark);
                } else {
                    @SuppressWarnings("unchecked")
                    StreamRecord<ScopedEvent> record = (StreamRecord<ScopedEvent>) element;
                    h.processElement(record);
                }
            }
            combined.addAll(h.getOutput());
            long records = combined.stream().filter(element -> element instanceof StreamRecord<?>).count();
            assertEquals(true, records < stream().stream().filter(element -> element instanceof StreamRecord<?>).count() / 2,
                    "fewer records cross: " + records);
        }
        assertEquals(windows(direct), windows(combined));
    }

    @Test
    void nothingIsHeldAcrossACheckpoint() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<ScopedEvent, ScopedEvent>(new CombineScopes(SLIDE))) {
            h.open();
            h.processElement(event("*", "mug", 1.0, 3));
            h.prepareSnapshotPreBarrier(1);
            assertFalse(h.snapshot(1, 1).hasState());
            assertEquals(1, h.extractOutputValues().size());
        }
    }

    private static List<String> windows(List<Object> stream) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, ScopedEvent, ItemWindowCount>(
                new KeyedProcessOperator<>(new CountItem(WINDOW, SLIDE)), ScopedEvent::itemKey, Types.STRING)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            for (Object element : stream) {
                if (element instanceof Watermark mark) {
                    h.processWatermark(mark);
                } else {
                    @SuppressWarnings("unchecked")
                    StreamRecord<ScopedEvent> record = (StreamRecord<ScopedEvent>) element;
                    h.processElement(new StreamRecord<>(copy(record.getValue()), record.getTimestamp()));
                }
            }
            return h.extractOutputValues().stream()
                    .map(c -> c.scope + "/" + c.itemId + "@" + c.windowEnd / MINUTE + "=" + c.count + " " + c.category).sorted().toList();
        }
    }

    private static ScopedEvent copy(ScopedEvent event) {
        ScopedEvent copy = new ScopedEvent();
        copy.scope = event.scope;
        copy.itemId = event.itemId;
        copy.category = event.category;
        copy.weight = event.weight;
        return copy;
    }
}
