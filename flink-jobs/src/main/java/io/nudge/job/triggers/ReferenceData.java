package io.nudge.job.triggers;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for reference data (rules, offers) joined to the event stream: such data has no event time, so
 * its watermark is always the maximum, and the operator it feeds follows the events' watermark alone.
 */
public final class ReferenceData {
    private ReferenceData() {}

    public static <T> WatermarkStrategy<T> watermarks() {
        return WatermarkStrategy.forGenerator(context -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        });
    }
}
