package io.nudge.job;

import io.nudge.schemas.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes records of one Avro type to one topic, single-object encoded, with a key taken from the record. */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

    private final String topic;
    private final Class<T> type;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, Long> timestamp;
    private transient SingleObjectCodec<T> codec;

    public AvroRecordSerializer(String topic, Class<T> type, SerializableFunction<T, String> key, SerializableFunction<T, Long> timestamp) {
        this.topic = topic;
        this.type = type;
        this.key = key;
        this.timestamp = timestamp;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = SingleObjectCodec.forType(type);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long ignored) {
        String k = key.apply(element);
        return new ProducerRecord<>(topic, null, timestamp.apply(element),
                k == null ? null : k.getBytes(StandardCharsets.UTF_8), codec.encode(element));
    }
}
