package io.nudge.serving.kafka;

import io.nudge.config.NudgeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Writes keyed records to one topic and returns only once Kafka has them; in a compacted topic a null value deletes the key. */
public final class AcknowledgedWriter implements AutoCloseable {

    /** Kafka did not take a write in time; the caller may retry. */
    public static final class UnavailableException extends Exception {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public AcknowledgedWriter(NudgeConfig config, String topic, String clientId) {
        this.topic = topic;
        this.producer = AcknowledgedProducers.create(config, clientId, TIMEOUT);
    }

    public void write(String key, byte[] value) throws UnavailableException {
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new UnavailableException("Kafka did not take the write of " + key + " to " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while writing " + key + " to " + topic, e);
        }
    }

    /**
     * Writes many records without waiting for each in turn (they travel in batches), returning once Kafka has them all.
     * Records of one key keep their order; a failure names the first record Kafka did not take.
     */
    public void writeAll(List<Map.Entry<String, byte[]>> records) throws UnavailableException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        for (Map.Entry<String, byte[]> record : records) {
            sent.add(producer.send(new ProducerRecord<>(topic, record.getKey().getBytes(StandardCharsets.UTF_8), record.getValue())));
        }
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new UnavailableException("Kafka did not take the write of " + records.get(i).getKey() + " to " + topic + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnavailableException("interrupted while writing to " + topic, e);
            }
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
