package io.nudge.bench;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.serving.ServingApi;
import io.nudge.traffic.ClickstreamGenerator;
import io.nudge.traffic.KafkaTrafficSender;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How fresh the serving API is under a steady load: while synthetic traffic flows at a fixed rate, a probe event
 * for a new customer is produced every 20 ms, and the delay from handing it to the producer to its profile being
 * in the API's store is recorded, and, to tell the job's share from the API's, the delay to its profile record
 * being readable in the profiles topic. The baseline is the broker's own round trip: the time for the probe's send
 * to be acknowledged.
 */
public final class FreshnessBenchmark {

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(20);

    /** Latencies in microseconds. */
    public record Result(long trafficEvents, double trafficPerSecond, Histogram visible, Histogram inChangelog, Histogram acknowledged,
                         long probesLost) {}

    private FreshnessBenchmark() {}

    /**
     * @param config the running stack's configuration; {@code api} its serving API
     * @param warmUp how long the traffic flows before the first probe (untimed)
     */
    public static Result run(NudgeConfig config, ServingApi api, int eventsPerSecond, Duration warmUp, Duration duration, long seed,
                             PrintWriter progress) throws Exception {
        Histogram visible = new Histogram(HIGHEST_MICROS, 3);
        Histogram acknowledged = new ConcurrentHistogram(HIGHEST_MICROS, 3); // recorded on the producer's thread
        Map<String, Long> pending = new ConcurrentHashMap<>();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Histogram inChangelog = new ConcurrentHistogram(HIGHEST_MICROS, 3); // recorded on the changelog watcher's thread
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaTrafficSender traffic = new KafkaTrafficSender(config, new ClickstreamGenerator(seed, 10_000), eventsPerSecond);
             KafkaProducer<byte[], byte[]> probes = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
             ChangelogWatcher changelog = new ChangelogWatcher(config, sentAt, inChangelog)) {
            traffic.start();
            if (!warmUp.isZero()) {
                progress.printf("warm-up traffic for %d s ...%n", warmUp.toSeconds()).flush();
                Thread.sleep(warmUp.toMillis()); // load, not synchronisation: the traffic runs meanwhile
            }
            long started = System.nanoTime();
            long sentBefore = traffic.sent();
            long end = started + duration.toNanos();
            long nextProbe = System.nanoTime();
            for (int probe = 0; System.nanoTime() < end; ) {
                long now = System.nanoTime();
                if (now >= nextProbe) {
                    String id = "freshness-probe-" + seed + "-" + probe++;
                    pending.put(id, now);
                    sentAt.put(id, now);
                    InteractionEvent event = InteractionEvent.newBuilder().setEventId(id).setCustomerId(id).setType(EventType.PRODUCT_VIEW)
                            .setEventTime(Instant.now()).setItemId("garden-001").setCategory("garden").build();
                    probes.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_EVENTS), null, event.getEventTime().toEpochMilli(),
                            id.getBytes(StandardCharsets.UTF_8), Codecs.EVENTS.encode(event)), (metadata, error) -> {
                                if (error == null) {
                                    acknowledged.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - now) / 1000));
                                }
                            });
                    nextProbe += PROBE_INTERVAL.toNanos();
                }
                collectVisible(api, pending, visible);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the resolution; spinning would take a core from the job
            }
            long trafficEvents = traffic.sent() - sentBefore;
            double seconds = (System.nanoTime() - started) / 1e9;
            progress.printf("traffic %,d events (%,.0f/s); waiting for the last probes%n", trafficEvents, trafficEvents / seconds).flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                collectVisible(api, pending, visible);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            return new Result(trafficEvents, trafficEvents / seconds, visible, inChangelog, acknowledged, pending.size());
        }
    }

    private static void collectVisible(ServingApi api, Map<String, Long> pending, Histogram visible) {
        for (Map.Entry<String, Long> probe : pending.entrySet()) {
            if (api.store().contains(probe.getKey())) {
                visible.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - probe.getValue()) / 1000));
                pending.remove(probe.getKey());
            }
        }
    }

    /** Reads the profiles topic from its end and records when each probe's profile record appears. */
    private static final class ChangelogWatcher implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread;
        private volatile boolean running = true;

        ChangelogWatcher(NudgeConfig config, Map<String, Long> sentAt, Histogram inChangelog) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "nudge-freshness-" + System.nanoTime());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(config.get(NudgeConfig.TOPIC_PROFILES)));
            this.thread = new Thread(() -> {
                try {
                    while (running) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                            Long sent = record.key() == null ? null : sentAt.remove(new String(record.key(), StandardCharsets.UTF_8));
                            if (sent != null) {
                                inChangelog.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - sent) / 1000));
                            }
                        }
                    }
                } catch (WakeupException stopped) {
                    // closing
                } finally {
                    consumer.close();
                }
            }, "freshness-changelog-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(5_000);
        }
    }
}
