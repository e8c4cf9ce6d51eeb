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

/** Keyed by item: folds item pairs into the item's associations and emits them for the associations changelog. */
public final class LearnAssociations extends KeyedProcessFunction<String, ItemPair, ItemAssociations> {

    static final ValueStateDescriptor<ItemAssociations> ASSOCIATIONS =
            new ValueStateDescriptor<>("associations", new AvroTypeInfo<>(ItemAssociations.class));

    private final AssociationLearner learner;
    private transient ValueState<ItemAssociations> associations;

    public LearnAssociations(Duration halfLife, int neighboursMax) {
        this.learner = new AssociationLearner(halfLife, neighboursMax);
    }

    @Override
    public void open(OpenContext openContext) {
        associations = getRuntimeContext().getState(ASSOCIATIONS);
    }

    @Override
    public void processElement(ItemPair pair, Context ctx, Collector<ItemAssociations> out) throws Exception {
        ItemAssociations updated = learner.apply(associations.value(), pair);
        associations.update(updated);
        out.collect(updated);
    }
}
