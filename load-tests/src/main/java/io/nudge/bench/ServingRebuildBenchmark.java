package io.nudge.bench;

import io.nudge.config.NudgeConfig;
import io.nudge.serving.ServingApi;
import io.nudge.serving.kafka.TopicSetup;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How long a serving replica takes to rebuild its store from the compacted profiles changelog, against the
 * ceiling: a bare Kafka consumer reading the same records without decoding or storing them. Also the heap the
 * store takes per profile. Profiles come from {@link BenchData}; topics are prefixed {@code bench-}.
 */
public final class ServingRebuildBenchmark {

    /** What one run measured. */
    public record Result(int profiles, long changelogBytes, Duration produce, Duration bareRead, Duration rebuild, long storeHeapBytes) {
        public double rebuildToBareRead() {
            return (double) rebuild.toNanos() / bareRead.toNanos();
        }

        public double profilesPerSecond() {
            return profiles / (rebuild.toNanos() / 1e9);
        }

        public long heapBytesPerProfile() {
            return storeHeapBytes / profiles;
        }
    }

    private ServingRebuildBenchmark() {}

    /**
     * @param config     the broker to use; its topics are prefixed by {@link BenchData#benchTopics}
     * @param profiles   how many customers' profiles to write and rebuild
     */
    public static Result run(NudgeConfig config, int profiles, long seed, PrintWriter progress) throws Exception {
        NudgeConfig bench = BenchData.benchTopics(config).with(NudgeConfig.HTTP_PORT, 0);
        TopicSetup.ensureTopics(bench);
        String topic = bench.get(NudgeConfig.TOPIC_PROFILES);

        long started = System.nanoTime();
        long bytes = BenchData.writeProfiles(bench, profiles, seed, progress);
        Duration produce = since(started);
        progress.printf("wrote %,d profiles (%,d MB) to %s in %.1f s%n", profiles, bytes >> 20, topic, seconds(produce)).flush();

        started = System.nanoTime();
        Set<String> keys = readBare(bench, topic);
        Duration bareRead = since(started);
        progress.printf("bare consumer read %,d distinct keys in %.1f s%n", keys.size(), seconds(bareRead)).flush();
        if (keys.size() != profiles) {
            throw new IllegalStateException("the topic holds " + keys.size() + " distinct profiles, " + profiles + " were written and acknowledged");
        }

        long heapBefore = heapUsedAfterGc();
        started = System.nanoTime();
        try (ServingApi api = ServingApi.start(bench)) {
            long shown = 0;
            while (!api.isReady()) {
                Thread.sleep(10);
                if (System.nanoTime() - shown > 1_000_000_000L) {
                    progress.printf("\rserving store: %,d profiles", api.store().size()).flush();
                    shown = System.nanoTime();
                }
            }
            Duration rebuild = since(started);
            if (api.store().size() != profiles) {
                List<String> missing = keys.stream().filter(key -> !api.store().contains(key)).limit(5).toList();
                throw new IllegalStateException("the serving store holds " + api.store().size() + " profiles of the topic's " + profiles
                        + " (for example missing: " + missing + "; records the reader could not decode: " + api.undecodableRecords() + ")");
            }
            long storeHeap = heapUsedAfterGc() - heapBefore;
            progress.printf("\rserving store: %,d profiles, ready after %.1f s%n", api.store().size(), seconds(rebuild)).flush();
            return new Result(profiles, bytes, produce, bareRead, rebuild, storeHeap);
        }
    }

    /**
     * The ceiling: every record of the topic fetched with the serving reader's consumer settings; only its key is
     * kept (a set of strings), so that the store's count can be checked against the topic's.
     */
    private static Set<String> readBare(NudgeConfig config, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    keys.add(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        return keys;
    }

    private static long heapUsedAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
