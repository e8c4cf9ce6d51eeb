package io.nudge.job.crosssell;

import io.nudge.crosssell.AssociationLearner;
import io.nudge.crosssell.ItemPair;
import io.nudge.job.StateLayout;
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
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by item: learns the item's associations and publishes them to the associations changelog once per
 * publish interval of event time. Pair counts wait in a list (appended to without being read) until event time
 * passes their interval's end; then the counts of each kind (other item, weight) are added up and applied as one
 * (count times weight, valued at the kind's latest time) in a fixed order (time, other item, weight), and the
 * result is emitted once. A big order pairs every line with others, so applying and emitting per pair would
 * rewrite the same neighbours many times a second; adding up integer counts makes the result independent of how
 * {@link CombinePairs} split them, and the fixed order makes a replay's output the same however fast, and at
 * whatever parallelism, it runs.
 */
public final class LearnAssociations extends KeyedProcessFunction<String, PairCounts, ItemAssociations> implements CheckpointedFunction {

    /** A pair waiting for its interval to close, as releases before pair counts kept them (one by one). */
    public static final class PendingPair {
        public String other;
        public double weight;
        public long at;

        public PendingPair() {}
    }

    /** The pairs of one kind due together. */
    private static final class Kind {
        final String other;
        final double weight;
        long count;
        long latest = Long.MIN_VALUE;

        Kind(String other, double weight) {
            this.other = other;
            this.weight = weight;
        }

        void add(long pairs, long at) {
            count += pairs;
            latest = Math.max(latest, at);
        }
    }

    private static final Comparator<Kind> APPLY_ORDER =
            Comparator.comparingLong((Kind kind) -> kind.latest).thenComparing(kind -> kind.other).thenComparingDouble(kind -> kind.weight);

    static final ValueStateDescriptor<ItemAssociations> ASSOCIATIONS =
            new ValueStateDescriptor<>("associations", new AvroTypeInfo<>(ItemAssociations.class));
    static final ListStateDescriptor<PairCounts> PENDING = new ListStateDescriptor<>("pending-pair-counts", TypeInformation.of(PairCounts.class));
    static final ListStateDescriptor<PendingPair> EARLIER_PENDING = new ListStateDescriptor<>("pending-pairs", TypeInformation.of(PendingPair.class));

    private final AssociationLearner learner;
    private final long publishIntervalMillis;
    private transient ValueState<ItemAssociations> associations;
    private transient ListState<PairCounts> pending;
    private transient ListState<PendingPair> earlierPending;
    private transient boolean earlierLayout;

    public LearnAssociations(AssociationLearner learner, Duration publishInterval) {
        this.learner = learner;
        this.publishIntervalMillis = publishInterval.toMillis();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        earlierLayout = StateLayout.mayHoldEarlierLayout(context, "associations");
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // Nothing but keyed state.
    }

    @Override
    public void open(OpenContext openContext) {
        associations = getRuntimeContext().getState(ASSOCIATIONS);
        pending = getRuntimeContext().getListState(PENDING);
        earlierPending = earlierLayout ? getRuntimeContext().getListState(EARLIER_PENDING) : null;
    }

    @Override
    public void processElement(PairCounts counts, Context ctx, Collector<ItemAssociations> out) throws Exception {
        pending.add(counts);
        ctx.timerService().registerEventTimeTimer(counts.intervalEnd);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ItemAssociations> out) throws Exception {
        Map<String, Kind> kinds = new HashMap<>();
        List<PairCounts> later = new ArrayList<>();
        for (PairCounts counts : pending.get()) {
            if (counts.intervalEnd > timestamp) {
                later.add(counts);
                continue;
            }
            for (int i = 0; i < counts.kinds(); i++) {
                kind(kinds, counts.others[i], counts.weights[i]).add(counts.counts[i], counts.latest[i]);
            }
        }
        if (earlierLayout) {
            takeEarlierPending(timestamp, kinds);
        }
        if (kinds.isEmpty()) {
            return;
        }
        List<Kind> ordered = new ArrayList<>(kinds.values());
        ordered.sort(APPLY_ORDER);
        ItemAssociations current = associations.value();
        for (Kind kind : ordered) {
            current = learner.apply(current, new ItemPair(ctx.getCurrentKey(), kind.other, kind.weight * kind.count, Instant.ofEpochMilli(kind.latest)));
        }
        associations.update(current);
        if (later.isEmpty()) {
            pending.clear();
        } else {
            pending.update(later);
        }
        out.collect(current);
    }

    private static Kind kind(Map<String, Kind> kinds, String other, double weight) {
        return kinds.computeIfAbsent(other + '\u0000' + weight, key -> new Kind(other, weight));
    }

    /** Pairs that a restored earlier release had waiting, due now, join the counts. */
    private void takeEarlierPending(long timestamp, Map<String, Kind> kinds) throws Exception {
        Iterable<PendingPair> waiting = earlierPending.get();
        if (waiting == null) {
            return;
        }
        List<PendingPair> later = new ArrayList<>();
        for (PendingPair pair : waiting) {
            if (CombinePairs.intervalEnd(pair.at, publishIntervalMillis) <= timestamp) {
                kind(kinds, pair.other, pair.weight).add(1, pair.at);
            } else {
                later.add(pair);
            }
        }
        if (later.isEmpty()) {
            earlierPending.clear();
        } else {
            earlierPending.update(later);
        }
    }
}
