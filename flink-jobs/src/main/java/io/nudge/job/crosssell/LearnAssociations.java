package io.nudge.job.crosssell;

import io.nudge.crosssell.AssociationLearner;
import io.nudge.crosssell.ItemPair;
import io.nudge.job.StateLayout;
import io.nudge.schemas.ItemAssociations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by item: learns the item's associations and publishes them to the associations changelog once per
 * publish interval of event time. Pair counts are added up in state per interval and kind (other item, weight)
 * until event time passes the interval's end; then each kind is applied as one (its count times its weight,
 * valued at its latest time) in a fixed order (time, other item, weight), and the result is emitted once. A big
 * order pairs every line with others, so applying and emitting per pair would rewrite the same neighbours many
 * times a second; adding up integer counts makes the result independent of how {@link CombinePairs} split them,
 * and the fixed order makes a replay's output the same however fast, and at whatever parallelism, it runs.
 */
public final class LearnAssociations extends KeyedProcessFunction<String, PairCount, ItemAssociations> implements CheckpointedFunction {

    /** A pair waiting for its interval to close, as releases before pair counts kept them (one by one, in a list). */
    public static final class PendingPair {
        public String other;
        public double weight;
        public long at;

        public PendingPair() {}
    }

    static final ValueStateDescriptor<ItemAssociations> ASSOCIATIONS =
            new ValueStateDescriptor<>("associations", new AvroTypeInfo<>(ItemAssociations.class));
    /** Per (interval end, other item, weight): how many pairs, and the latest time among them. */
    static final MapStateDescriptor<Tuple3<Long, String, Double>, Tuple2<Long, Long>> PENDING = new MapStateDescriptor<>("pending-pair-counts",
            Types.TUPLE(Types.LONG, Types.STRING, Types.DOUBLE), Types.TUPLE(Types.LONG, Types.LONG));
    static final ListStateDescriptor<PendingPair> EARLIER_PENDING = new ListStateDescriptor<>("pending-pairs", TypeInformation.of(PendingPair.class));

    private static final Comparator<Map.Entry<Tuple3<Long, String, Double>, Tuple2<Long, Long>>> APPLY_ORDER = Comparator
            .comparingLong((Map.Entry<Tuple3<Long, String, Double>, Tuple2<Long, Long>> kind) -> kind.getValue().f1)
            .thenComparing(kind -> kind.getKey().f1).thenComparingDouble(kind -> kind.getKey().f2);

    private final AssociationLearner learner;
    private final long publishIntervalMillis;
    private transient ValueState<ItemAssociations> associations;
    private transient MapState<Tuple3<Long, String, Double>, Tuple2<Long, Long>> pending;
    private transient ListState<PendingPair> earlierPending;
    private transient boolean earlierLayout;

    public LearnAssociations(Duration halfLife, int neighboursMax, Duration publishInterval) {
        this.learner = new AssociationLearner(halfLife, neighboursMax);
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
        pending = getRuntimeContext().getMapState(PENDING);
        earlierPending = earlierLayout ? getRuntimeContext().getListState(EARLIER_PENDING) : null;
    }

    @Override
    public void processElement(PairCount pairs, Context ctx, Collector<ItemAssociations> out) throws Exception {
        long intervalEnd = pairs.at - Math.floorMod(pairs.at, publishIntervalMillis) + publishIntervalMillis - 1;
        add(Tuple3.of(intervalEnd, pairs.other, pairs.weight), pairs.count, pairs.at);
        ctx.timerService().registerEventTimeTimer(intervalEnd);
    }

    private void add(Tuple3<Long, String, Double> kind, long count, long at) throws Exception {
        Tuple2<Long, Long> sum = pending.get(kind);
        pending.put(kind, sum == null ? Tuple2.of(count, at) : Tuple2.of(sum.f0 + count, Math.max(sum.f1, at)));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ItemAssociations> out) throws Exception {
        if (earlierLayout) {
            moveEarlierPending();
        }
        List<Map.Entry<Tuple3<Long, String, Double>, Tuple2<Long, Long>>> due = new ArrayList<>();
        for (Iterator<Map.Entry<Tuple3<Long, String, Double>, Tuple2<Long, Long>>> it = pending.iterator(); it.hasNext(); ) {
            Map.Entry<Tuple3<Long, String, Double>, Tuple2<Long, Long>> kind = it.next();
            if (kind.getKey().f0 <= timestamp) {
                due.add(Map.entry(kind.getKey(), kind.getValue()));
                it.remove();
            }
        }
        if (due.isEmpty()) {
            return;
        }
        due.sort(APPLY_ORDER);
        ItemAssociations current = associations.value();
        for (Map.Entry<Tuple3<Long, String, Double>, Tuple2<Long, Long>> kind : due) {
            double weight = kind.getKey().f2 * kind.getValue().f0;
            current = learner.apply(current, new ItemPair(ctx.getCurrentKey(), kind.getKey().f1, weight, Instant.ofEpochMilli(kind.getValue().f1)));
        }
        associations.update(current);
        out.collect(current);
    }

    /** Pairs a restored earlier release had waiting join the counts. */
    private void moveEarlierPending() throws Exception {
        Iterable<PendingPair> waiting = earlierPending.get();
        if (waiting == null) {
            return;
        }
        for (PendingPair pair : waiting) {
            long intervalEnd = pair.at - Math.floorMod(pair.at, publishIntervalMillis) + publishIntervalMillis - 1;
            add(Tuple3.of(intervalEnd, pair.other, pair.weight), 1, pair.at);
        }
        earlierPending.clear();
    }
}
