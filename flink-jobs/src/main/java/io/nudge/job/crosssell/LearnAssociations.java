package io.nudge.job.crosssell;

import io.nudge.crosssell.AssociationLearner;
import io.nudge.crosssell.ItemPair;
import io.nudge.schemas.ItemAssociations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by item: learns the item's associations and publishes them to the associations changelog once per
 * publish interval of event time. Pairs wait in a list until event time passes their interval's end; then they
 * are applied in a fixed order (time, then other item) and the result is emitted once. A big order pairs every
 * line with others, so applying and emitting per pair would rewrite the same neighbours many times a second —
 * and the fixed order makes a replay's output the same however fast it runs.
 */
public final class LearnAssociations extends KeyedProcessFunction<String, ItemPair, ItemAssociations> {

    /** A pair waiting for its interval to close. */
    public static final class PendingPair {
        public String other;
        public double weight;
        public long at;

        public PendingPair() {}

        PendingPair(ItemPair pair) {
            this.other = pair.other();
            this.weight = pair.weight();
            this.at = pair.at().toEpochMilli();
        }
    }

    static final ValueStateDescriptor<ItemAssociations> ASSOCIATIONS =
            new ValueStateDescriptor<>("associations", new AvroTypeInfo<>(ItemAssociations.class));
    static final ListStateDescriptor<PendingPair> PENDING = new ListStateDescriptor<>("pending-pairs", TypeInformation.of(PendingPair.class));

    private final AssociationLearner learner;
    private final long publishIntervalMillis;
    private transient ValueState<ItemAssociations> associations;
    private transient ListState<PendingPair> pending;

    public LearnAssociations(Duration halfLife, int neighboursMax, Duration publishInterval) {
        this.learner = new AssociationLearner(halfLife, neighboursMax);
        this.publishIntervalMillis = publishInterval.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        associations = getRuntimeContext().getState(ASSOCIATIONS);
        pending = getRuntimeContext().getListState(PENDING);
    }

    @Override
    public void processElement(ItemPair pair, Context ctx, Collector<ItemAssociations> out) throws Exception {
        pending.add(new PendingPair(pair));
        long at = pair.at().toEpochMilli();
        ctx.timerService().registerEventTimeTimer(at - Math.floorMod(at, publishIntervalMillis) + publishIntervalMillis - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ItemAssociations> out) throws Exception {
        List<PendingPair> due = new ArrayList<>();
        List<PendingPair> later = new ArrayList<>();
        for (PendingPair pair : pending.get()) {
            (pair.at <= timestamp ? due : later).add(pair);
        }
        if (due.isEmpty()) {
            return;
        }
        due.sort(Comparator.comparingLong((PendingPair p) -> p.at).thenComparing(p -> p.other).thenComparingDouble(p -> p.weight));
        ItemAssociations current = associations.value();
        for (PendingPair pair : due) {
            current = learner.apply(current, new ItemPair(ctx.getCurrentKey(), pair.other, pair.weight, Instant.ofEpochMilli(pair.at)));
        }
        associations.update(current);
        pending.update(later);
        out.collect(current);
    }
}
