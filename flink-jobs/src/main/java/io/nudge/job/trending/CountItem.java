package io.nudge.job.trending;

import io.nudge.trending.PopularItems;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Stage one of trending, keyed by scope and item: a running weighted count per window. The accumulator is one
 * number, so a sliding window costs little per event however many items the shop has.
 */
public final class CountItem implements AggregateFunction<ScopedEvent, CountItem.Count, CountItem.Count> {

    /** The weighted count and what the result needs to name the item. */
    public static final class Count {
        public double count;
        public String scope;
        public String itemId;
        public String category;
    }

    @Override
    public Count createAccumulator() {
        return new Count();
    }

    @Override
    public Count add(ScopedEvent value, Count accumulator) {
        accumulator.count += PopularItems.weightOf(value.event.getType());
        accumulator.scope = value.scope;
        accumulator.itemId = value.event.getItemId();
        if (value.event.getCategory() != null) {
            accumulator.category = value.event.getCategory();
        }
        return accumulator;
    }

    @Override
    public Count getResult(Count accumulator) {
        return accumulator;
    }

    @Override
    public Count merge(Count a, Count b) {
        a.count += b.count;
        a.category = a.category != null ? a.category : b.category;
        return a;
    }

    /** Names the window the count belongs to. */
    public static final class InWindow extends ProcessWindowFunction<Count, ItemWindowCount, String, TimeWindow> {
        @Override
        public void process(String key, Context context, Iterable<Count> counts, Collector<ItemWindowCount> out) {
            for (Count count : counts) {
                ItemWindowCount result = new ItemWindowCount();
                result.scope = count.scope;
                result.itemId = count.itemId;
                result.category = count.category;
                result.windowEnd = context.window().getEnd();
                result.windowSize = context.window().getEnd() - context.window().getStart();
                result.count = count.count;
                out.collect(result);
            }
        }
    }
}
