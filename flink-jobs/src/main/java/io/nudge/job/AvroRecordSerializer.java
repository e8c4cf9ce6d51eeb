package io.nudge.job;

import io.nudge.schemas.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes elements to one topic as Avro records of one type, single-object encoded, with a key taken from the
 * element. An element whose value is {@code null} becomes a tombstone (a deletion in a compacted topic).
 *
 * @param <T> what flows into the sink
 * @param <V> the Avro record written as the value
 */
public final class AvroRecordSerializer<T, V extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

    private final String topic;
    private final Class<V> type;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, V> value;
    private final SerializableFunction<V, Long> timestamp;
    private transient SingleObjectCodec<V> codec;

    public AvroRecordSerializer(String topic, Class<V> type, SerializableFunction<T, String> key, SerializableFunction<T, V> value,
                                SerializableFunction<V, Long> timestamp) {
        this.topic = topic;
        this.type = type;
        this.key = key;
        this.value = value;
        this.timestamp = timestamp;
    }

    /** Elements that are the records themselves. */
    public static <V extends SpecificRecord> AvroRecordSerializer<V, V> records(String topic, Class<V> type,
            SerializableFunction<V, String> key, SerializableFunction<V, Long> timestamp) {
        return new AvroRecordSerializer<>(topic, type, key, record -> record, timestamp);
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = SingleObjectCodec.forType(type);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long ignored) {
        String k = key.apply(element);
        V v = value.apply(element);
        return new ProducerRecord<>(topic, null, v == null ? null : timestamp.apply(v),
                k == null ? null : k.getBytes(StandardCharsets.UTF_8), v == null ? null : codec.encode(v));
    }
}
