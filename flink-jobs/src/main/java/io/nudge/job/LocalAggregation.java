package io.nudge.job;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * An operator that adds records up in the task that produces them, before they are shuffled, and holds the sums
 * on the heap only as long as nothing downstream can tell: what a watermark closes goes on ahead of it, everything
 * goes on before a checkpoint barrier (so the operator keeps no state, and a restore neither loses nor repeats a
 * record), and at the end of the input.
 *
 * @param <IN> what is added up
 * @param <OUT> the sums
 */
public abstract class LocalAggregation<IN, OUT> extends AbstractStreamOperator<OUT> implements OneInputStreamOperator<IN, OUT>, BoundedOneInput {

    /** Sends on the sums that a watermark at {@code time} closes ({@link Long#MAX_VALUE}: all of them). */
    protected abstract void sendUpTo(long time);

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        sendUpTo(mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        sendUpTo(Long.MAX_VALUE);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        sendUpTo(Long.MAX_VALUE);
    }
}
