package io.nudge.job.crosssell;

import io.nudge.crosssell.AssociationLearner;
import io.nudge.crosssell.ItemPair;
import io.nudge.schemas.ItemAssociations;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by item: folds item pairs into the item's associations and publishes them to the associations changelog
 * at most once per publish interval of event time. A big order pairs every line with every other, so emitting
 * on every pair would write the same item's neighbours hundreds of times a second; readers only need the latest.
 */
public final class LearnAssociations extends KeyedProcessFunction<String, ItemPair, ItemAssociations> {

    static final ValueStateDescriptor<ItemAssociations> ASSOCIATIONS =
            new ValueStateDescriptor<>("associations", new AvroTypeInfo<>(ItemAssociations.class));

    private final AssociationLearner learner;
    private final long publishIntervalMillis;
    private transient ValueState<ItemAssociations> associations;

    public LearnAssociations(Duration halfLife, int neighboursMax, Duration publishInterval) {
        this.learner = new AssociationLearner(halfLife, neighboursMax);
        this.publishIntervalMillis = publishInterval.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        associations = getRuntimeContext().getState(ASSOCIATIONS);
    }

    @Override
    public void processElement(ItemPair pair, Context ctx, Collector<ItemAssociations> out) throws Exception {
        associations.update(learner.apply(associations.value(), pair));
        // One timer per item and interval (timers with the same time are kept once): the end of the pair's interval.
        long at = pair.at().toEpochMilli();
        ctx.timerService().registerEventTimeTimer(at - Math.floorMod(at, publishIntervalMillis) + publishIntervalMillis - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ItemAssociations> out) throws Exception {
        ItemAssociations current = associations.value();
        if (current != null) {
            out.collect(current);
        }
    }
}
