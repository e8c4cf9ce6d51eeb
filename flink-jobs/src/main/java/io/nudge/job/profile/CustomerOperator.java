package io.nudge.job.profile;

import io.nudge.job.triggers.RulesAndOffers;
import io.nudge.job.triggers.RulesAndOffersChange;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;

/**
 * Runs {@link UpdateCustomer} as Flink's keyed-broadcast operator does, and folds consecutive inputs of one
 * customer: each is applied (and its triggers evaluated) on arrival, but the customer's profile is encoded,
 * written to state and sent to the changelog once, when an input of another customer comes. A job that is behind
 * (catching up after downtime, a backlog, a burst) reads a shopper's session as a run of that shopper's events, and
 * pays for one encode and one write per run instead of one per event; a live job that keeps up sees customers
 * interleaved, and writes after every input as before.
 *
 * <p>The customer held back is written before anything else could need it: before another customer's input,
 * before a watermark (whose timers read and write state), before a checkpoint barrier (so a checkpoint holds every
 * input before it), at the end of the input, and at the latest {@link #WRITE_WITHIN} after its last input, so a
 * quiet stream does not hold a profile back.
 */
public final class CustomerOperator extends CoBroadcastWithKeyedOperator<String, ProfileInput, RulesAndOffersChange, ProfileChange> {

    static final Duration WRITE_WITHIN = Duration.ofMillis(2);

    private final UpdateCustomer function;
    private transient Collector<ProfileChange> changelog;
    private transient boolean writeScheduled;

    public CustomerOperator(UpdateCustomer function) {
        super(function, List.of(RulesAndOffers.RULES, RulesAndOffers.OFFERS, RulesAndOffers.SEGMENTS, RulesAndOffers.EXPERIMENTS));
        this.function = function;
    }

    @Override
    public void open() throws Exception {
        super.open();
        function.foldConsecutiveInputs();
        changelog = new Collector<>() {
            @Override
            public void collect(ProfileChange change) {
                output.collect(new StreamRecord<>(change, change.timestamp));
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void processElement1(StreamRecord<ProfileInput> element) throws Exception {
        String unwritten = function.unwritten();
        if (unwritten != null && !unwritten.equals(getCurrentKey())) {
            Object next = getCurrentKey();
            writeUnwritten();
            setCurrentKey(next);
        }
        super.processElement1(element);
        if (function.unwritten() != null && !writeScheduled) {
            writeScheduled = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + WRITE_WITHIN.toMillis(), time -> {
                writeScheduled = false;
                writeUnwritten();
            });
        }
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        writeUnwritten();
        super.processWatermark1(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) throws Exception {
        writeUnwritten();
        super.processWatermark2(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        writeUnwritten();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        writeUnwritten();
        super.finish();
    }

    private void writeUnwritten() throws Exception {
        String unwritten = function.unwritten();
        if (unwritten != null) {
            setCurrentKey(unwritten);
            function.writeUnwritten(changelog);
        }
    }
}
