package io.nudge.job.crosssell;

import io.nudge.crosssell.ItemPair;
import io.nudge.job.LocalAggregation;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Counts item pairs where they are found, per item and publish interval, before they are shuffled to the learner:
 * a session of views pairs every item with the others, and a busy shop repeats the same pairs many times a
 * second. An interval's counts are sent on once the watermark has passed its end (the learner acts on them only
 * then), ahead of that watermark; everything held goes before a barrier and at the end (see {@link LocalAggregation}),
 * and when {@link #MAX_HELD} item-intervals are held.
 *
 * <p>How the pairs were split into counts does not change what is learned: the learner adds up the counts of a
 * kind before it applies them (see {@link LearnAssociations}).
 */
public final class CombinePairs extends LocalAggregation<ItemPair, PairCounts> {

    static final int MAX_HELD = 10_000;

    private record ItemInterval(String item, long intervalEnd) {}

    private record Kind(String other, double weight) {}

    /** Count and latest time of one kind. */
    private static final class Tally {
        long count;
        long latest = Long.MIN_VALUE;
    }

    private final long intervalMillis;
    private transient Map<ItemInterval, Map<Kind, Tally>> held;

    public CombinePairs(Duration publishInterval) {
        this.intervalMillis = publishInterval.toMillis();
    }

    /** The last millisecond of the publish interval that {@code at} falls in. */
    static long intervalEnd(long at, long intervalMillis) {
        return at - Math.floorMod(at, intervalMillis) + intervalMillis - 1;
    }

    @Override
    public void open() throws Exception {
        super.open();
        held = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<ItemPair> element) {
        ItemPair pair = element.getValue();
        long at = pair.at().toEpochMilli();
        Map<Kind, Tally> kinds = held.computeIfAbsent(new ItemInterval(pair.item(), intervalEnd(at, intervalMillis)), key -> new HashMap<>());
        Tally tally = kinds.computeIfAbsent(new Kind(pair.other(), pair.weight()), key -> new Tally());
        tally.count++;
        tally.latest = Math.max(tally.latest, at);
        if (held.size() >= MAX_HELD) {
            sendUpTo(Long.MAX_VALUE);
        }
    }

    /** Sends the counts of every interval that ends at or before {@code time}. */
    @Override
    protected void sendUpTo(long time) {
        for (Iterator<Map.Entry<ItemInterval, Map<Kind, Tally>>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ItemInterval, Map<Kind, Tally>> entry = it.next();
            if (entry.getKey().intervalEnd() > time) {
                continue;
            }
            PairCounts counts = new PairCounts(entry.getKey().item(), entry.getKey().intervalEnd(), entry.getValue().size());
            int i = 0;
            long latest = Long.MIN_VALUE;
            for (Map.Entry<Kind, Tally> kind : entry.getValue().entrySet()) {
                counts.others[i] = kind.getKey().other();
                counts.weights[i] = kind.getKey().weight();
                counts.counts[i] = kind.getValue().count;
                counts.latest[i] = kind.getValue().latest;
                latest = Math.max(latest, kind.getValue().latest);
                i++;
            }
            output.collect(new StreamRecord<>(counts, latest));
            it.remove();
        }
    }
}
