package io.nudge.job.trending;

import io.nudge.schemas.Trending;
import io.nudge.trending.PopularItems;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Stage two of trending, keyed by scope and window: collects the window's item counts and, once event time has
 * passed the window's end (every count of it has arrived), publishes the scope's top items.
 */
public final class RankTrending extends KeyedProcessFunction<String, ItemWindowCount, Trending> {

    static final MapStateDescriptor<String, ItemWindowCount> COUNTS =
            new MapStateDescriptor<>("item-counts", Types.STRING, TypeInformation.of(ItemWindowCount.class));

    private final int itemsMax;
    private transient MapState<String, ItemWindowCount> counts;

    public RankTrending(int itemsMax) {
        this.itemsMax = itemsMax;
    }

    @Override
    public void open(OpenContext openContext) {
        counts = getRuntimeContext().getMapState(COUNTS);
    }

    @Override
    public void processElement(ItemWindowCount count, Context ctx, Collector<Trending> out) throws Exception {
        counts.put(count.itemId, count);
        ctx.timerService().registerEventTimeTimer(count.windowEnd);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Trending> out) throws Exception {
        PopularItems popular = new PopularItems();
        ItemWindowCount any = null;
        for (Map.Entry<String, ItemWindowCount> entry : counts.entries()) {
            any = entry.getValue();
            popular.add(any.itemId, any.category, any.count);
        }
        counts.clear();
        if (any != null) {
            out.collect(Trending.newBuilder()
                    .setScope(any.scope)
                    .setWindowEnd(Instant.ofEpochMilli(any.windowEnd))
                    .setWindowSize(any.windowSize)
                    .setTotal(popular.total())
                    .setTopItems(popular.top(itemsMax))
                    .build());
        }
    }
}
