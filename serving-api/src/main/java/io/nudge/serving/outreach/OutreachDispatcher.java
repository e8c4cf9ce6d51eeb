package io.nudge.serving.outreach;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.UndecodableMessageException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference dispatcher: consumes the outreach topic {@code read_committed} (so it sees only actions of
 * completed checkpoints, each exactly once) and records them in the {@link Outbox} instead of calling an email
 * or SMS gateway.
 */
public final class OutreachDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutreachDispatcher.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Outbox outbox;
    private final Thread thread;
    private volatile boolean running = true;

    public OutreachDispatcher(NudgeConfig config, Outbox outbox) {
        this.topic = config.get(NudgeConfig.TOPIC_OUTREACH);
        this.outbox = outbox;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.get(NudgeConfig.OUTREACH_DISPATCHER_GROUP));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "outreach-dispatcher");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        outbox.record(Codecs.OUTREACH.decode(record.value()));
                    } catch (UndecodableMessageException e) {
                        LOG.warn("Skipping undecodable outreach action at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("Outreach dispatcher stopped", e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
