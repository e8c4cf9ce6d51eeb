package io.nudge.job.trending;

import io.nudge.job.LocalAggregation;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Adds up an item's popularity per scope and slide where the events are read, before they are shuffled to
 * {@link CountItem}: every event with an item would otherwise cross as two records (its category and the whole
 * shop). The sums go on before every watermark, so {@link CountItem} judges them against the same watermark as the
 * events they stand for; before every barrier and at the end (see {@link LocalAggregation}); and when
 * {@link #MAX_HELD} are held. Weights are small whole numbers, so a sum is the same in any order.
 */
public final class CombineScopes extends LocalAggregation<ScopedEvent, ScopedEvent> {

    static final int MAX_HELD = 10_000;

    private record Slide(String scope, String itemId, long slideEnd) {}

    private final long slideMillis;
    private transient Map<Slide, ScopedEvent> held;
    private transient Map<Slide, Long> latest;

    public CombineScopes(Duration slide) {
        this.slideMillis = slide.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        held = new HashMap<>();
        latest = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<ScopedEvent> element) {
        ScopedEvent event = element.getValue();
        long time = element.getTimestamp();
        Slide slide = new Slide(event.scope, event.itemId, time - Math.floorMod(time, slideMillis) + slideMillis);
        ScopedEvent sum = held.get(slide);
        if (sum == null) {
            sum = new ScopedEvent();
            sum.scope = event.scope;
            sum.itemId = event.itemId;
            sum.category = event.category;
            held.put(slide, sum);
        } else if (sum.category == null) {
            sum.category = event.category;
        }
        sum.weight += event.weight;
        latest.merge(slide, time, Math::max);
        if (held.size() >= MAX_HELD) {
            sendUpTo(Long.MAX_VALUE);
        }
    }

    /** Every sum goes before every watermark: {@link CountItem} judges lateness itself, as for single events. */
    @Override
    protected void sendUpTo(long time) {
        held.forEach((slide, sum) -> output.collect(new StreamRecord<>(sum, latest.get(slide))));
        held.clear();
        latest.clear();
    }
}
