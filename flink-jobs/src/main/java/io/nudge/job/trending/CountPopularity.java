package io.nudge.job.trending;

import io.nudge.trending.PopularItems;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Adds events to a window's {@link PopularItems}, pane by pane. */
public final class CountPopularity implements AggregateFunction<ScopedEvent, PopularItems, PopularItems> {

    @Override
    public PopularItems createAccumulator() {
        return new PopularItems();
    }

    @Override
    public PopularItems add(ScopedEvent value, PopularItems accumulator) {
        accumulator.add(value.event);
        return accumulator;
    }

    @Override
    public PopularItems getResult(PopularItems accumulator) {
        return accumulator;
    }

    @Override
    public PopularItems merge(PopularItems a, PopularItems b) {
        return a.merge(b);
    }
}
