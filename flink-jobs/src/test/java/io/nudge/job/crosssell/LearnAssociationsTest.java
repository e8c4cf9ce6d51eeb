package io.nudge.job.crosssell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.crosssell.AssociationLearner;
import io.nudge.crosssell.ItemPair;
import io.nudge.schemas.ItemAssociations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class LearnAssociationsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void anItemsAssociationsArePublishedOncePerIntervalWithAllPairsOfIt() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, PairCounts, ItemAssociations>(
                new KeyedProcessOperator<>(new LearnAssociations(new AssociationLearner(Duration.ofDays(90), Duration.ofDays(7), 50), Duration.ofSeconds(10))), PairCounts::item, Types.STRING)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            for (String other : List.of("cups", "milk", "sugar")) {
                h.processElement(new StreamRecord<>(PairCounts.of(new ItemPair("tea", other, 1.0, T0.plusSeconds(1)), 10_000), T0.toEpochMilli()));
            }
            h.processWatermark(T0.plusSeconds(9).toEpochMilli());
            assertEquals(List.of(), h.extractOutputValues(), "not before the interval ends");
            h.processWatermark(T0.plusSeconds(10).toEpochMilli());

            List<ItemAssociations> published = h.extractOutputValues();
            assertEquals(1, published.size());
            assertEquals(3, published.get(0).getNeighbours().size());
            assertEquals(3, published.get(0).getSequence());
        }
    }
}
