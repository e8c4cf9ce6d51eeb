package io.nudge.job.trending;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class CountItemTest {

    private static final long MINUTE = 60_000;

    /** Windows of 30 minutes sliding by 10: every event counts in the three windows that contain it. */
    private static KeyedOneInputStreamOperatorTestHarness<String, ScopedEvent, ItemWindowCount> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, ScopedEvent, ItemWindowCount>(
                new KeyedProcessOperator<>(new CountItem(Duration.ofMinutes(30), Duration.ofMinutes(10))), ScopedEvent::itemKey, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.open();
        return h;
    }

    private static StreamRecord<ScopedEvent> mug(double weight, long minute) {
        ScopedEvent event = new ScopedEvent();
        event.scope = ScopedEvent.WHOLE_SHOP;
        event.itemId = "mug";
        event.category = "kitchen";
        event.weight = weight;
        return new StreamRecord<>(event, minute * MINUTE);
    }

    /** "window end in minutes = count" for everything emitted so far. */
    private static List<String> emitted(KeyedOneInputStreamOperatorTestHarness<String, ScopedEvent, ItemWindowCount> h) {
        return h.extractOutputValues().stream().map(c -> c.windowEnd / MINUTE + "=" + c.count).toList();
    }

    @Test
    void eachSlidingWindowHoldingTheItemIsEmittedWithItsSumOnceTheWatermarkPassesItsEnd() throws Exception {
        try (var h = harness()) {
            h.processElement(mug(1.0, 1));
            h.processElement(mug(3.0, 12));
            h.processWatermark(20 * MINUTE - 2);
            assertEquals(List.of("10=1.0"), emitted(h), "the window ending at 20 is not complete yet");

            h.processWatermark(60 * MINUTE);
            assertEquals(List.of("10=1.0", "20=4.0", "30=4.0", "40=3.0"), emitted(h));
            ItemWindowCount first = h.extractOutputValues().get(0);
            assertEquals(List.of("*", "mug", "kitchen", 30 * MINUTE), List.of(first.scope, first.itemId, first.category, first.windowSize));
            for (String state : List.of(CountItem.SLIDES.getName(), CountItem.CATEGORY.getName())) {
                assertEquals(0, h.getOperator().getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE).count(),
                        state + ": nothing is kept once the item's last window is out");
            }
        }
    }

    @Test
    void aLateEventCountsInTheWindowsNotYetEmittedAndOneTooLateForAllOfThemIsDropped() throws Exception {
        try (var h = harness()) {
            h.processElement(mug(1.0, 15));
            h.processWatermark(20 * MINUTE);
            h.processElement(mug(2.0, 5));   // slide [0,10): windows ending 10 and 20 are out, 30 is still open
            h.processElement(mug(4.0, -25)); // every window holding it has been emitted
            h.processWatermark(60 * MINUTE);
            assertEquals(List.of("20=1.0", "30=3.0", "40=1.0"), emitted(h));
        }
    }
}
