package io.nudge.traffic;

import io.nudge.config.NudgeConfig;
import io.nudge.events.ProfileKeys;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.InteractionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends generated sessions to the events topic as live traffic: a steady number of events per second, each
 * stamped with the time it is sent (sessions play out at the sending rate, not in their own think time).
 */
public final class KafkaTrafficSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTrafficSender.class);

    private final ClickstreamGenerator generator;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final double eventsPerSecond;
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public KafkaTrafficSender(NudgeConfig config, ClickstreamGenerator generator, double eventsPerSecond) {
        if (eventsPerSecond <= 0) {
            throw new IllegalArgumentException("eventsPerSecond must be positive, got " + eventsPerSecond);
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "nudge-traffic");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.generator = generator;
        this.topic = config.get(NudgeConfig.TOPIC_EVENTS);
        this.eventsPerSecond = eventsPerSecond;
        this.thread = new Thread(this::run, "traffic-sender");
        this.thread.setDaemon(true);
    }

    public KafkaTrafficSender start() {
        thread.start();
        return this;
    }

    public long sent() {
        return sent.get();
    }

    private void run() {
        long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / eventsPerSecond);
        long next = System.nanoTime();
        ArrayDeque<InteractionEvent> pending = new ArrayDeque<>();
        while (running) {
            if (pending.isEmpty()) {
                pending.addAll(generator.nextSession(Instant.now()));
            }
            InteractionEvent event = pending.poll();
            event.setEventTime(Instant.now());
            producer.send(new ProducerRecord<>(topic, null, event.getEventTime().toEpochMilli(),
                    ProfileKeys.of(event).getBytes(StandardCharsets.UTF_8), Codecs.EVENTS.encode(event)), (metadata, error) -> {
                        if (error != null) {
                            LOG.warn("Traffic event not sent: {}", error.getMessage());
                        }
                    });
            sent.incrementAndGet();
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // pacing the generator, not synchronising with anything
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
