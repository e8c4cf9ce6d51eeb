package io.nudge.job.triggers;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for reference data (rules, offers) joined to the event stream. Such data has no event time: its
 * source emits no watermarks and is marked idle shortly after each change, and an idle input does not hold
 * back the joined operator's watermark, which then follows the events alone. (A maximum watermark instead would
 * push the operator to the end of time whenever the events themselves go idle.)
 */
public final class ReferenceData {
    private ReferenceData() {}

    static final Duration IDLE_AFTER = Duration.ofSeconds(1);

    public static <T> WatermarkStrategy<T> watermarks() {
        return WatermarkStrategy.<T>noWatermarks().withIdleness(IDLE_AFTER);
    }
}
