package io.nudge.serving.events;

import io.nudge.config.NudgeConfig;
import io.nudge.events.ProfileKeys;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.InteractionEvent;
import io.nudge.serving.kafka.AcknowledgedProducers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Produces validated events to the events topic, keyed by profile key so that one customer's events stay in
 * order on one partition, and stamped with their event time. Answers only once the broker has the event
 * (idempotent producer, acks=all), so an accepted event is never lost.
 */
public final class EventCollector implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventCollector.class);
    private static final long SEND_TIMEOUT_MS = 5_000;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public EventCollector(NudgeConfig config) {
        this.producer = AcknowledgedProducers.create(config, "nudge-collector", Duration.ofMillis(SEND_TIMEOUT_MS));
        this.topic = config.get(NudgeConfig.TOPIC_EVENTS);
    }

    /** Sends all events and waits until the broker has every one. */
    public void send(List<InteractionEvent> events) throws EventsUnavailableException {
        List<Future<RecordMetadata>> pending = new ArrayList<>(events.size());
        try {
            for (InteractionEvent event : events) {
                pending.add(producer.send(new ProducerRecord<>(topic, null, event.getEventTime().toEpochMilli(),
                        ProfileKeys.of(event).getBytes(StandardCharsets.UTF_8), Codecs.EVENTS.encode(event))));
            }
            for (Future<RecordMetadata> ack : pending) {
                ack.get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw new EventsUnavailableException("event log unavailable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventsUnavailableException("interrupted while sending", e);
        }
    }

    /**
     * Sends an event Nudge writes for itself without waiting for the broker: one that is lost is written again the
     * next time it is due (its id is the same, so one that arrives twice is applied once).
     */
    public void sendLater(InteractionEvent event) {
        try {
            producer.send(new ProducerRecord<>(topic, null, event.getEventTime().toEpochMilli(), ProfileKeys.of(event).getBytes(StandardCharsets.UTF_8),
                    Codecs.EVENTS.encode(event)), (metadata, error) -> {
                        if (error != null) {
                            LOG.warn("An {} event was not written and will be again when next due: {}", event.getType(), error.getMessage());
                        }
                    });
        } catch (org.apache.kafka.common.KafkaException e) {
            LOG.warn("An {} event was not written and will be again when next due: {}", event.getType(), e.getMessage());
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }

    /** Kafka did not take the events in time; the caller should try again later. */
    public static final class EventsUnavailableException extends Exception {
        public EventsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
