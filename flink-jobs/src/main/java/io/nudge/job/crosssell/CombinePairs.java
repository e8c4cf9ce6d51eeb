package io.nudge.job.crosssell;

import io.nudge.crosssell.ItemPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Counts identical item pairs of one publish interval where they are found, before they are shuffled to the
 * learner: a session of views pairs every item with the others, and a busy shop repeats the same pairs many times
 * a second. The counts are sent on before every watermark (the learner acts on them only once the watermark has
 * passed their interval), before every checkpoint barrier (so nothing is held in state, and a restore neither
 * loses nor repeats a pair) and at the end of the input; and whenever {@link #MAX_HELD} kinds are held.
 *
 * <p>How the pairs were split into counts does not change the result: the learner adds up the counts of a kind
 * before it applies them (see {@link LearnAssociations}).
 */
public final class CombinePairs extends AbstractStreamOperator<PairCount> implements OneInputStreamOperator<ItemPair, PairCount>, BoundedOneInput {

    static final int MAX_HELD = 10_000;

    private record Kind(String item, String other, double weight, long interval) {}

    private final long intervalMillis;
    private transient Map<Kind, PairCount> held;

    public CombinePairs(Duration publishInterval) {
        this.intervalMillis = publishInterval.toMillis();
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
        Kind kind = new Kind(pair.item(), pair.other(), pair.weight(), Math.floorDiv(at, intervalMillis));
        PairCount count = held.get(kind);
        if (count == null) {
            held.put(kind, new PairCount(pair));
            if (held.size() >= MAX_HELD) {
                sendAll();
            }
        } else {
            count.count++;
            count.at = Math.max(count.at, at);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        sendAll();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        sendAll();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        sendAll();
    }

    private void sendAll() {
        for (PairCount count : held.values()) {
            output.collect(new StreamRecord<>(count, count.at));
        }
        held.clear();
    }
}
