package io.nudge.job.crosssell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.crosssell.ItemPair;
import io.nudge.schemas.ItemAssociations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class CombinePairsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    @Test
    void identicalPairsOfAnIntervalLeaveAsOneCountBeforeTheWatermark() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<ItemPair, PairCount>(new CombinePairs(INTERVAL))) {
            h.open();
            h.processElement(new StreamRecord<>(new ItemPair("tea", "cups", 0.2, T0.plusSeconds(1))));
            h.processElement(new StreamRecord<>(new ItemPair("tea", "cups", 0.2, T0.plusSeconds(3))));
            h.processElement(new StreamRecord<>(new ItemPair("tea", "cups", 1.0, T0.plusSeconds(3))));
            h.processElement(new StreamRecord<>(new ItemPair("tea", "cups", 0.2, T0.plusSeconds(12))));
            assertEquals(List.of(), h.extractOutputValues(), "held until the watermark");

            h.processWatermark(T0.plusSeconds(4).toEpochMilli());

            List<String> out = h.extractOutputValues().stream().map(PairCount::toString).sorted().toList();
            assertEquals(List.of("1 x tea->cups (0.2) by " + T0.plusSeconds(12).toEpochMilli(),
                    "1 x tea->cups (1.0) by " + T0.plusSeconds(3).toEpochMilli(),
                    "2 x tea->cups (0.2) by " + T0.plusSeconds(3).toEpochMilli()), out);
            assertEquals(Long.valueOf(T0.plusSeconds(4).toEpochMilli()), ((org.apache.flink.streaming.api.watermark.Watermark) h.getOutput().toArray()[3]).getTimestamp(),
                    "the counts go before the watermark that made them leave");
        }
    }

    @Test
    void nothingIsHeldAcrossACheckpoint() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<ItemPair, PairCount>(new CombinePairs(INTERVAL))) {
            h.open();
            h.processElement(new StreamRecord<>(new ItemPair("tea", "milk", 0.2, T0)));
            h.prepareSnapshotPreBarrier(1);
            OperatorSubtaskState snapshot = h.snapshot(1, 1);
            assertEquals(1, h.extractOutputValues().size(), "sent before the barrier, so the checkpoint needs none of it");
            assertEquals(false, snapshot.hasState(), "and holds no state");
        }
    }

    /** However the pairs were split into counts (flushes at other moments, another parallelism), the learner learns the same. */
    @Test
    void theLearnerLearnsTheSameHoweverThePairsWereCounted() throws Exception {
        List<ItemPair> pairs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pairs.add(new ItemPair("tea", List.of("cups", "milk", "sugar").get(i % 3), i % 4 == 0 ? 1.0 : 0.2, T0.plusMillis(300L * i)));
        }
        List<PairCount> oneByOne = pairs.stream().map(PairCount::new).collect(Collectors.toList());
        List<PairCount> allAtOnce = new ArrayList<>();
        try (var h = new OneInputStreamOperatorTestHarness<ItemPair, PairCount>(new CombinePairs(INTERVAL))) {
            h.open();
            for (ItemPair pair : pairs) {
                h.processElement(new StreamRecord<>(pair));
            }
            h.processWatermark(T0.plusSeconds(9).toEpochMilli());
            allAtOnce.addAll(h.extractOutputValues());
        }
        assertEquals(6, allAtOnce.size(), "three items, two kinds of evidence");
        assertEquals(learned(oneByOne), learned(allAtOnce));
    }

    private static ItemAssociations learned(List<PairCount> counts) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, PairCount, ItemAssociations>(
                new KeyedProcessOperator<>(new LearnAssociations(Duration.ofDays(90), 50, INTERVAL)), PairCount::item, Types.STRING)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            for (PairCount count : counts) {
                h.processElement(new StreamRecord<>(count, count.at));
            }
            h.processWatermark(T0.plusSeconds(10).toEpochMilli());
            List<ItemAssociations> out = h.extractOutputValues();
            assertEquals(1, out.size());
            return out.get(0);
        }
    }
}
