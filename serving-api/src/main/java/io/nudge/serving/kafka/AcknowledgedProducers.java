package io.nudge.serving.kafka;

import io.nudge.config.NudgeConfig;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producers for writes the API acknowledges to its caller: idempotent, {@code acks=all}, and bounded in time,
 * so a request either learns its record is safe or gets an error it can retry — never a silent loss or a hang.
 */
public final class AcknowledgedProducers {
    private AcknowledgedProducers() {}

    public static KafkaProducer<byte[], byte[]> create(NudgeConfig config, String clientId, Duration timeout) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis() - 1_000));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
