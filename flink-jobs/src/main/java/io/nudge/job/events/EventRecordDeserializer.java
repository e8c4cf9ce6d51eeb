package io.nudge.job.events;

import io.nudge.events.EventValidator;
import io.nudge.events.FieldError;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.DeadLetter;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.UndecodableMessageException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns each Kafka record into a {@link SourceRecord}: the decoded, valid event, or a dead letter with the raw
 * bytes and the reason. Never throws, so one bad record cannot fail the job.
 */
public final class EventRecordDeserializer implements KafkaRecordDeserializationSchema<SourceRecord> {

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceRecord> out) {
        out.collect(read(record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(), record.value()));
    }

    static SourceRecord read(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        InteractionEvent event;
        try {
            event = Codecs.EVENTS.decode(value);
        } catch (UndecodableMessageException e) {
            return SourceRecord.rejected(deadLetter("undecodable: " + e.getMessage(), topic, partition, offset, timestamp, key, value));
        }
        return validated(event, topic, partition, offset, timestamp, key, value);
    }

    /**
     * A decoded event checked as the live path checks it: valid, or a dead letter with the reason and the raw
     * bytes ({@code value}). Replays of archived events use it too.
     */
    public static SourceRecord validated(InteractionEvent event, String topic, int partition, long offset, long timestamp,
                                         byte[] key, byte[] value) {
        return validated(event, topic, partition, offset, timestamp, key, () -> value);
    }

    /** As above, with the raw bytes made only for a dead letter (archived events are read decoded). */
    public static SourceRecord validated(InteractionEvent event, String topic, int partition, long offset, long timestamp,
                                         byte[] key, java.util.function.Supplier<byte[]> value) {
        List<FieldError> errors = EventValidator.validate(event);
        if (!errors.isEmpty()) {
            String reason = "invalid: " + errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
            long when = event.getEventTime() != null ? event.getEventTime().toEpochMilli() : timestamp;
            return SourceRecord.rejected(deadLetter(reason, topic, partition, offset, when, key, value.get()));
        }
        return SourceRecord.valid(event, topic, partition, offset);
    }

    static DeadLetter deadLetter(String reason, String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setPayload(value == null ? null : ByteBuffer.wrap(value))
                .setRejectedAt(Instant.ofEpochMilli(Math.max(0, timestamp)))
                .build();
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}
