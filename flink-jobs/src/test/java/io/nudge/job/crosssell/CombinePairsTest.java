package io.nudge.job.crosssell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.nudge.crosssell.AssociationLearner;
import io.nudge.crosssell.ItemPair;
import io.nudge.schemas.ItemAssociations;
import java.time.Duration;
import java.time.Instant;
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

class CombinePairsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private static StreamRecord<ItemPair> pair(String item, String other, double weight, Instant at) {
        return new StreamRecord<>(new ItemPair(item, other, weight, at), at.toEpochMilli());
    }

    @Test
    void anIntervalsPairsLeaveCountedOnceTheWatermarkPassesIt() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<ItemPair, PairCounts>(new CombinePairs(INTERVAL))) {
            h.open();
            h.processElement(pair("tea", "cups", 0.2, T0.plusSeconds(1)));
            h.processElement(pair("tea", "cups", 0.2, T0.plusSeconds(3)));
            h.processElement(pair("tea", "cups", 1.0, T0.plusSeconds(3)));
            h.processElement(pair("tea", "milk", 0.2, T0.plusSeconds(12)));
            h.processWatermark(T0.plusSeconds(8).toEpochMilli());
            assertEquals(List.of(), h.extractOutputValues(), "held while the interval is open");

            h.processWatermark(T0.plusSeconds(10).toEpochMilli());

            List<PairCounts> out = h.extractOutputValues();
            assertEquals(1, out.size(), "one record for tea's first interval; the next one is still open");
            PairCounts tea = out.get(0);
            assertEquals(T0.plusSeconds(10).toEpochMilli() - 1, tea.intervalEnd);
            List<String> kinds = new ArrayList<>();
            for (int i = 0; i < tea.kinds(); i++) {
                kinds.add(tea.counts[i] + " x " + tea.others[i] + " (" + tea.weights[i] + ") by " + (tea.latest[i] - T0.toEpochMilli()));
            }
            assertEquals(List.of("1 x cups (1.0) by 3000", "2 x cups (0.2) by 3000"), kinds.stream().sorted().toList());
            Object[] all = h.getOutput().toArray();
            assertEquals(T0.plusSeconds(10).toEpochMilli(), ((Watermark) all[all.length - 1]).getTimestamp(),
                    "the counts go ahead of the watermark that closed their interval");
        }
    }

    @Test
    void nothingIsHeldAcrossACheckpoint() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<ItemPair, PairCounts>(new CombinePairs(INTERVAL))) {
            h.open();
            h.processElement(pair("tea", "milk", 0.2, T0));
            h.prepareSnapshotPreBarrier(1);
            assertFalse(h.snapshot(1, 1).hasState(), "no state");
            assertEquals(1, h.extractOutputValues().size(), "the open interval's counts went before the barrier");
        }
    }

    /** However the pairs were split into counts (another moment of a barrier, another parallelism), the same is learned. */
    @Test
    void theLearnerLearnsTheSameHoweverThePairsWereCounted() throws Exception {
        List<ItemPair> pairs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pairs.add(new ItemPair("tea", List.of("cups", "milk", "sugar").get(i % 3), i % 4 == 0 ? 1.0 : 0.2, T0.plusMillis(300L * i)));
        }
        List<PairCounts> oneByOne = pairs.stream().map(pair -> PairCounts.of(pair, INTERVAL.toMillis())).toList();
        List<PairCounts> combined = new ArrayList<>();
        try (var h = new OneInputStreamOperatorTestHarness<ItemPair, PairCounts>(new CombinePairs(INTERVAL))) {
            h.open();
            for (ItemPair pair : pairs) {
                h.processElement(new StreamRecord<>(pair));
                if (pair.at().equals(T0.plusMillis(300L * 17))) {
                    h.prepareSnapshotPreBarrier(1); // a checkpoint in the middle splits the counts
                }
            }
            h.processWatermark(T0.plusSeconds(10).toEpochMilli());
            combined.addAll(h.extractOutputValues());
        }
        assertEquals(2, combined.size());
        assertEquals(learned(oneByOne), learned(combined));
    }

    private static ItemAssociations learned(List<PairCounts> counts) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, PairCounts, ItemAssociations>(
                new KeyedProcessOperator<>(new LearnAssociations(new AssociationLearner(Duration.ofDays(90), Duration.ofDays(7), 50), INTERVAL)), PairCounts::item, Types.STRING)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            for (PairCounts count : counts) {
                h.processElement(new StreamRecord<>(count, count.intervalEnd));
            }
            h.processWatermark(T0.plusSeconds(10).toEpochMilli());
            List<ItemAssociations> out = h.extractOutputValues();
            assertEquals(1, out.size());
            return out.get(0);
        }
    }
}
