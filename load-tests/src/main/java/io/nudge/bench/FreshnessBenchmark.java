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
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How fresh the serving API is under a steady load: while synthetic traffic flows at a fixed rate, a probe event
 * for a new customer is produced every 20 ms, and the delay from handing it to the producer to its profile being
 * in the API's store is recorded. The baseline is the broker's own round trip: the time for the probe's send to
 * be acknowledged.
 */
public final class FreshnessBenchmark {

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(20);

    /** Latencies in microseconds. */
    public record Result(long trafficEvents, double trafficPerSecond, Histogram visible, Histogram acknowledged, long probesLost) {}

    private FreshnessBenchmark() {}

    /** @param config the running stack's configuration; {@code api} its serving API */
    public static Result run(NudgeConfig config, ServingApi api, int eventsPerSecond, Duration duration, long seed, PrintWriter progress)
            throws Exception {
        Histogram visible = new Histogram(HIGHEST_MICROS, 3);
        Histogram acknowledged = new ConcurrentHistogram(HIGHEST_MICROS, 3); // recorded on the producer's thread
        Map<String, Long> pending = new ConcurrentHashMap<>();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        long started = System.nanoTime();
        long sentBefore;
        try (KafkaTrafficSender traffic = new KafkaTrafficSender(config, new ClickstreamGenerator(seed, 10_000), eventsPerSecond);
             KafkaProducer<byte[], byte[]> probes = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            sentBefore = traffic.start().sent();
            long end = started + duration.toNanos();
            long nextProbe = System.nanoTime();
            for (int probe = 0; System.nanoTime() < end; ) {
                long now = System.nanoTime();
                if (now >= nextProbe) {
                    String id = "freshness-probe-" + seed + "-" + probe++;
                    pending.put(id, now);
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
            return new Result(trafficEvents, trafficEvents / seconds, visible, acknowledged, pending.size());
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
}
