package io.nudge.job.crosssell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.crosssell.AssociationLearner;
import io.nudge.crosssell.ItemPair;
import io.nudge.schemas.ItemAssociations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * The learner restores state of the release that kept waiting pairs one by one in a list. The fixture
 * {@code state/associations-state-v1.snapshot} is that release's operator after tea's first interval was
 * published (with cups) and while three pairs of its second interval waited (milk twice, sugar once).
 */
class AssociationsStateUpgradeTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void pairsWaitingInTheEarlierLayoutAreLearnedWithTheirInterval() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, PairCounts, ItemAssociations>(
                new KeyedProcessOperator<>(new LearnAssociations(new AssociationLearner(Duration.ofDays(90), Duration.ofDays(7), 50), Duration.ofSeconds(10))), PairCounts::item, Types.STRING)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.initializeState(OperatorSnapshotUtil.readStateHandle(
                    Objects.requireNonNull(getClass().getResource("/state/associations-state-v1.snapshot"), "fixture missing").getPath()));
            h.open();
            h.processElement(new StreamRecord<>(PairCounts.of(new ItemPair("tea", "milk", 0.2, T0.plusSeconds(15)), 10_000), T0.plusSeconds(15).toEpochMilli()));

            h.processWatermark(T0.plusSeconds(20).toEpochMilli());

            List<ItemAssociations> out = h.extractOutputValues();
            assertEquals(1, out.size(), "the second interval, published once");
            ItemAssociations tea = out.get(0);
            assertEquals(List.of("cups", "milk", "sugar"), tea.getNeighbours().keySet().stream().sorted().toList(),
                    "published before the upgrade, waiting at it, and new");
            assertEquals(0.6, tea.getNeighbours().get("milk"), 1e-5, "two pairs waiting and one new, 0.2 each (decayed by seconds at a 90-day half-life)");
            assertEquals(1.0, tea.getNeighbours().get("sugar"), 1e-5);
            assertEquals(1.0, tea.getNeighbours().get("cups"), 1e-5);
        }
    }
}
