package io.nudge.job.crosssell;

import io.nudge.crosssell.AssociationLearner;
import io.nudge.crosssell.ItemPair;
import io.nudge.schemas.ItemAssociations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * publish interval of event time. Pair counts wait in a list until event time passes their interval's end; then
 * the counts of each kind (other item, weight) are added up and applied as one, valued at the kind's latest
 * time, in a fixed order (time, other item, weight), and the result is emitted once. A big order pairs every
 * line with others, so applying and emitting per pair would rewrite the same neighbours many times a second;
 * adding up integer counts first makes the result independent of how {@link CombinePairs} split them, and the
 * fixed order makes a replay's output the same however fast, and at whatever parallelism, it runs.
 */
public final class LearnAssociations extends KeyedProcessFunction<String, PairCount, ItemAssociations> {

    /** Pairs waiting for their interval to close. */
    public static final class PendingPair {
        public String other;
        public double weight;
        public long at;
        /** How many such pairs; 0 in pairs saved before counts existed, which stood for one. */
        public int count;

        public PendingPair() {}

        PendingPair(PairCount pairs) {
            this.other = pairs.other;
            this.weight = pairs.weight;
            this.at = pairs.at;
            this.count = pairs.count;
        }

        int pairs() {
            return Math.max(1, count);
        }
    }

    /** The pairs of one kind due together. */
    private static final class Kind {
        final String other;
        final double weight;
        long at;
        long count;

        Kind(PendingPair pair) {
            this.other = pair.other;
            this.weight = pair.weight;
        }
    }

    private static final Comparator<Kind> APPLY_ORDER =
            Comparator.comparingLong((Kind kind) -> kind.at).thenComparing(kind -> kind.other).thenComparingDouble(kind -> kind.weight);

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
    public void processElement(PairCount pairs, Context ctx, Collector<ItemAssociations> out) throws Exception {
        pending.add(new PendingPair(pairs));
        long at = pairs.at;
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
        Map<String, Kind> kinds = new HashMap<>();
        for (PendingPair pair : due) {
            Kind kind = kinds.computeIfAbsent(pair.other + '\u0000' + pair.weight, key -> new Kind(pair));
            kind.count += pair.pairs();
            kind.at = Math.max(kind.at, pair.at);
        }
        List<Kind> ordered = new ArrayList<>(kinds.values());
        ordered.sort(APPLY_ORDER);
        ItemAssociations current = associations.value();
        for (Kind kind : ordered) {
            current = learner.apply(current, new ItemPair(ctx.getCurrentKey(), kind.other, kind.weight * kind.count, Instant.ofEpochMilli(kind.at)));
        }
        associations.update(current);
        if (later.isEmpty()) {
            pending.clear();
        } else {
            pending.update(later);
        }
        out.collect(current);
    }
}
