package io.nudge.job.trending;

import io.nudge.schemas.Trending;
import io.nudge.trending.PopularItems;
import java.time.Instant;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a closed window's counts into the scope's {@link Trending} record: the top items and the total. */
public final class PublishTrending extends ProcessWindowFunction<PopularItems, Trending, String, TimeWindow> {

    private final int itemsMax;

    public PublishTrending(int itemsMax) {
        this.itemsMax = itemsMax;
    }

    @Override
    public void process(String scope, Context context, Iterable<PopularItems> counts, Collector<Trending> out) {
        for (PopularItems popular : counts) {
            out.collect(Trending.newBuilder()
                    .setScope(scope)
                    .setWindowEnd(Instant.ofEpochMilli(context.window().getEnd()))
                    .setWindowSize(context.window().getEnd() - context.window().getStart())
                    .setTotal(popular.total())
                    .setTopItems(popular.top(itemsMax))
                    .build());
        }
    }
}
