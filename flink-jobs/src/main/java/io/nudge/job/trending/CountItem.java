package io.nudge.job.trending;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Stage one of trending, keyed by scope and item: the item's weighted count in each sliding window of event
 * time, emitted when the watermark passes the window's end — what a sliding event-time window with a sum would
 * give, but kept as one count per slide ("pane") instead of one per window. An event then costs one state update
 * instead of one per overlapping window (twelve with a 1 h window sliding by 5 min), which profiling showed to
 * be the job's second-busiest task.
 *
 * <p>Window ends are multiples of the slide (as Flink's sliding windows without offset); the window ending at
 * {@code t} covers {@code [t - size, t)}. An event whose every window has already been emitted is dropped, as a
 * window operator drops late elements.
 */
public final class CountItem extends KeyedProcessFunction<String, ScopedEvent, ItemWindowCount> {

    /** Weighted count per slide, by the slide's end. */
    static final MapStateDescriptor<Long, Double> SLIDES = new MapStateDescriptor<>("slide-counts", Types.LONG, Types.DOUBLE);
    /** The item's category, for whole-shop rankings. */
    static final ValueStateDescriptor<String> CATEGORY = new ValueStateDescriptor<>("category", Types.STRING);

    private final long size;
    private final long slide;
    private transient MapState<Long, Double> slides;
    private transient ValueState<String> category;

    public CountItem(Duration size, Duration slide) {
        if (size.toMillis() % slide.toMillis() != 0) {
            throw new IllegalArgumentException("the trending window (" + size + ") must be a whole number of slides (" + slide + ")");
        }
        this.size = size.toMillis();
        this.slide = slide.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        slides = getRuntimeContext().getMapState(SLIDES);
        category = getRuntimeContext().getState(CATEGORY);
    }

    @Override
    public void processElement(ScopedEvent event, Context ctx, Collector<ItemWindowCount> out) throws Exception {
        long slideEnd = ctx.timestamp() - Math.floorMod(ctx.timestamp(), slide) + slide;
        long watermark = ctx.timerService().currentWatermark();
        if (emitted(slideEnd + size - slide, watermark)) {
            return;
        }
        Double count = slides.get(slideEnd);
        slides.put(slideEnd, (count == null ? 0 : count) + event.weight);
        if (count == null) {
            if (event.category != null) {
                category.update(event.category);
            }
            long firstOpen = emitted(slideEnd, watermark) ? watermark + 1 - Math.floorMod(watermark + 1, slide) + slide : slideEnd;
            ctx.timerService().registerEventTimeTimer(firstOpen - 1);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ItemWindowCount> out) throws Exception {
        long windowEnd = timestamp + 1;
        double sum = 0;
        boolean more = false;
        for (Iterator<Map.Entry<Long, Double>> it = slides.iterator(); it.hasNext(); ) {
            Map.Entry<Long, Double> entry = it.next();
            long slideEnd = entry.getKey();
            if (slideEnd > windowEnd - size && slideEnd <= windowEnd) {
                sum += entry.getValue();
            }
            if (slideEnd <= windowEnd - size + slide) {
                it.remove(); // in no later window
            } else {
                more = true;
            }
        }
        if (sum > 0) {
            String[] scopeAndItem = ctx.getCurrentKey().split("\\|", 2);
            ItemWindowCount result = new ItemWindowCount();
            result.scope = scopeAndItem[0];
            result.itemId = scopeAndItem[1];
            result.category = category.value();
            result.windowEnd = windowEnd;
            result.windowSize = size;
            result.count = sum;
            out.collect(result);
        }
        if (more) {
            ctx.timerService().registerEventTimeTimer(windowEnd + slide - 1);
        } else {
            category.clear();
        }
    }

    /** Whether the window ending at {@code end} has been emitted: its timer (at {@code end - 1}) has fired. */
    private static boolean emitted(long end, long watermark) {
        return end - 1 <= watermark;
    }
}
