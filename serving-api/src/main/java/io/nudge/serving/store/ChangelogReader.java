package io.nudge.serving.store;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.UndecodableMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
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
 * Reads compacted changelog topics from the beginning into local stores, then follows them. Uses no consumer
 * group: every replica reads every partition and keeps its own copy. It counts as caught up once it has read
 * up to the end offsets it saw when it started, on every topic.
 */
public final class ChangelogReader implements AutoCloseable {

    /** Applies one record of a topic to its store; {@code value} is null for a deletion. */
    @FunctionalInterface
    public interface Handler {
        void apply(String key, byte[] value) throws UndecodableMessageException;

        /** Told, before the first record, about how many records the topic holds, so a large store can size itself once. */
        default void expect(long records) {}
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChangelogReader.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Handler> handlers;
    private final Thread thread;
    private final Runnable onCaughtUp;
    private final AtomicLong undecodable = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final Map<String, AtomicLong> appliedPerTopic = new ConcurrentHashMap<>();
    private final Map<String, IntPredicate> partitionsRead = new ConcurrentHashMap<>();
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    /** @param onCaughtUp runs once, on the reader's thread, when the stores have caught up (before readiness) */
    public ChangelogReader(NudgeConfig config, Map<String, Handler> handlers, Runnable onCaughtUp) {
        this.handlers = Map.copyOf(handlers);
        this.onCaughtUp = onCaughtUp;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "nudge-serving-changelogs");
        // The job writes segment changes in transactions: an aborted one must not count.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "changelog-reader");
        this.thread.setDaemon(true);
    }

    /** Reads only the partitions of {@code topic} that {@code partitions} accepts; call before {@link #start()}. */
    public ChangelogReader readOnly(String topic, IntPredicate partitions) {
        partitionsRead.put(topic, partitions);
        return this;
    }

    /** How many partitions {@code topic} has, once the reader has found it; 0 before. */
    public int partitionCount(String topic) {
        return partitionCounts.getOrDefault(topic, 0);
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

    /** Records of {@code topic} applied so far. */
    public long appliedRecords(String topic) {
        AtomicLong count = appliedPerTopic.get(topic);
        return count == null ? 0 : count.get();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> target = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> first = consumer.beginningOffsets(partitions);
            Map<String, Long> records = new java.util.HashMap<>();
            target.forEach((partition, end) -> records.merge(partition.topic(), end - first.getOrDefault(partition, 0L), Long::sum));
            records.forEach((topic, count) -> handlers.get(topic).expect(count));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    apply(record);
                }
                if (!caughtUp && target.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    onCaughtUp.run();
                    caughtUp = true;
                    LOG.info("Caught up with {}: {} records applied", handlers.keySet(), applied.get());
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("Changelog reader stopped", e);
        } finally {
            consumer.close();
        }
    }

    private List<TopicPartition> partitions() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : handlers.keySet()) {
            while (running) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos != null && !infos.isEmpty()) {
                    IntPredicate read = partitionsRead.getOrDefault(topic, partition -> true);
                    infos.stream().filter(p -> read.test(p.partition())).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                    partitionCounts.put(topic, infos.size());
                    break;
                }
                LOG.warn("Topic {} not found yet; waiting for it", topic);
            }
        }
        if (!running) {
            throw new WakeupException();
        }
        return partitions;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            undecodable.incrementAndGet();
            LOG.warn("Skipping changelog record without a key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return;
        }
        try {
            handlers.get(record.topic()).apply(new String(record.key(), StandardCharsets.UTF_8), record.value());
            applied.incrementAndGet();
            appliedPerTopic.computeIfAbsent(record.topic(), topic -> new AtomicLong()).incrementAndGet();
        } catch (UndecodableMessageException e) {
            undecodable.incrementAndGet();
            LOG.warn("Skipping undecodable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
