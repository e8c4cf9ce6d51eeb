package io.nudge.job.archive;

import io.nudge.schemas.InteractionEvent;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * Files events by the UTC hour of their event time ({@code 2026-11-25/10}), not by when they were archived, so a
 * replay of a time range reads exactly the directories of that range and late events land where they belong.
 */
public final class EventHourBuckets implements BucketAssigner<InteractionEvent, String> {

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd/HH").withZone(ZoneOffset.UTC);

    @Override
    public String getBucketId(InteractionEvent event, Context context) {
        return HOUR.format(event.getEventTime());
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
