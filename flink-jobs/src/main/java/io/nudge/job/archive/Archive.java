package io.nudge.job.archive;

import io.nudge.schemas.InteractionEvent;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.AvroWriters;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;

/**
 * The event archive: every valid event as Avro container files (readable by the standard Avro tools), one
 * directory per event hour. Bulk files roll on every checkpoint and are only made visible when it completes,
 * so each event is archived exactly once.
 */
public final class Archive {
    private Archive() {}

    public static FileSink<InteractionEvent> sink(String directory) {
        return FileSink.forBulkFormat(new Path(directory), AvroWriters.forSpecificRecord(InteractionEvent.class))
                .withBucketAssigner(new EventHourBuckets())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("events").withPartSuffix(".avro").build())
                .build();
    }
}
