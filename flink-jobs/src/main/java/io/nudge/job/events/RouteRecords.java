package io.nudge.job.events;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.DeadLetter;
import io.nudge.schemas.InteractionEvent;
import java.time.Duration;
import java.util.Set;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes on events that are valid and on time; sends everything else to the dead-letter output with the reason,
 * counted by kind. "Late" means older than the watermark by more than the allowed lateness: such an event would
 * rewrite a past the profile has already moved beyond.
 */
public final class RouteRecords extends ProcessFunction<SourceRecord, InteractionEvent> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final long allowedLatenessMillis;
    private transient Counter rejected;
    private transient Counter late;

    private final Set<String> forgotten;

    public RouteRecords(Duration allowedLateness) {
        this(allowedLateness, Set.of());
    }

    /** @param forgotten ids whose events are dropped (a replay of history after customers asked to be forgotten) */
    public RouteRecords(Duration allowedLateness, Set<String> forgotten) {
        this.allowedLatenessMillis = allowedLateness.toMillis();
        this.forgotten = Set.copyOf(forgotten);
    }

    /** Accumulators, readable while the job runs: how far a replay has got. */
    public static final String RECORDS_READ = "recordsRead";

    private final LongCounter recordsRead = new LongCounter();

    @Override
    public void open(OpenContext openContext) {
        rejected = getRuntimeContext().getMetricGroup().counter("eventsRejected");
        late = getRuntimeContext().getMetricGroup().counter("eventsLate");
        getRuntimeContext().addAccumulator(RECORDS_READ, recordsRead);
    }

    @Override
    public void processElement(SourceRecord record, Context ctx, Collector<InteractionEvent> out) {
        recordsRead.add(1);
        if (!record.isValid()) {
            rejected.inc();
            ctx.output(DEAD_LETTERS, record.deadLetter);
            return;
        }
        if (isForgotten(record.event.getCustomerId()) || isForgotten(record.event.getAnonymousId())) {
            return;
        }
        long eventTime = record.event.getEventTime().toEpochMilli();
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE && eventTime < watermark - allowedLatenessMillis) {
            late.inc();
            byte[] raw = Codecs.EVENTS.encode(record.event);
            ctx.output(DEAD_LETTERS, EventRecordDeserializer.deadLetter(
                    "late: event time is " + Duration.ofMillis(watermark - eventTime) + " behind the watermark, beyond the allowed "
                            + Duration.ofMillis(allowedLatenessMillis),
                    record.topic, record.partition, record.offset, eventTime, null, raw));
            return;
        }
        out.collect(record.event);
    }

    private boolean isForgotten(String id) {
        return id != null && forgotten.contains(id);
    }
}
