package io.nudge.job.replay;

import io.nudge.job.events.EventRecordDeserializer;
import io.nudge.job.events.SourceRecord;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.InteractionEvent;
import java.io.IOException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads Avro container files of {@link InteractionEvent} — the archive's files, or ones made with the standard
 * Avro tools from JSON — as source records, validated exactly like events read from Kafka. A file is one split
 * (container files are read whole), so its events keep their order.
 */
public final class AvroEventFormat implements StreamFormat<SourceRecord> {

    /** Stands in for the Kafka topic in the dead letters of archived events. */
    public static final String SOURCE = "archive";

    @Override
    public Reader<SourceRecord> createReader(Configuration config, FSDataInputStream stream, long fileLen, long splitEnd) throws IOException {
        DataFileStream<InteractionEvent> events = new DataFileStream<>(stream, new SpecificDatumReader<>(InteractionEvent.class));
        return new Reader<>() {
            private long position;

            @Override
            public SourceRecord read() {
                if (!events.hasNext()) {
                    return null;
                }
                InteractionEvent event = events.next();
                long offset = position++;
                long time = event.getEventTime() == null ? 0 : event.getEventTime().toEpochMilli();
                return EventRecordDeserializer.validated(event, SOURCE, 0, offset, time, null, () -> Codecs.EVENTS.encode(event));
            }

            @Override
            public void close() throws IOException {
                events.close();
            }
        };
    }

    @Override
    public Reader<SourceRecord> restoreReader(Configuration config, FSDataInputStream stream, long restoredOffset, long fileLen, long splitEnd)
            throws IOException {
        // Files are read whole, from their start: a restored replay re-reads them (outputs are idempotent or transactional).
        stream.seek(0);
        return createReader(config, stream, fileLen, splitEnd);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}
