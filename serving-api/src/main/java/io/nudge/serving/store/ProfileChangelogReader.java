package io.nudge.serving.store;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.UndecodableMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted profiles changelog from the beginning into a {@link ProfileStore}, then follows it.
 * Uses no consumer group: every replica reads every partition and keeps its own copy. It counts as caught up
 * once it has read up to the end offsets it saw when it started.
 */
public final class ProfileChangelogReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileChangelogReader.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final ProfileStore store;
    private final Thread thread;
    private final AtomicLong undecodable = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    public ProfileChangelogReader(NudgeConfig config, ProfileStore store) {
        this.topic = config.get(NudgeConfig.TOPIC_PROFILES);
        this.store = store;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "nudge-serving-profiles");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "profiles-changelog-reader");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public boolean isCaughtUp() {
        return caughtUp;
    }

    public long undecodableRecords() {
        return undecodable.get();
    }

    public long appliedRecords() {
        return applied.get();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> target = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    apply(record);
                }
                if (!caughtUp && target.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    LOG.info("Profile store caught up with {}: {} profiles", topic, store.size());
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("Profile changelog reader stopped", e);
        } finally {
            consumer.close();
        }
    }

    private List<TopicPartition> partitions() {
        while (running) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            LOG.warn("Topic {} not found yet; waiting for it", topic);
        }
        throw new WakeupException();
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                store.remove(new String(record.key(), StandardCharsets.UTF_8));
            }
            return;
        }
        try {
            CustomerProfile profile = Codecs.PROFILES.decode(record.value());
            store.upsert(profile);
            applied.incrementAndGet();
        } catch (UndecodableMessageException e) {
            undecodable.incrementAndGet();
            LOG.warn("Skipping undecodable profile at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
