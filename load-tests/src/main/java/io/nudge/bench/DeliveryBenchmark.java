package io.nudge.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nudge.config.NudgeConfig;
import io.nudge.delivery.WebhookSignature;
import io.nudge.dispatcher.DispatchService;
import io.nudge.schemas.Channel;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import io.nudge.serving.kafka.TopicSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Outreach delivery through the webhook provider against a local receiver that checks every signature: actions/s
 * of the dispatcher (decode, provider, signature, retries armed, offsets committed per batch) against the ceiling,
 * a bare consumer POSTing each record's bytes with the same concurrency; then the delay from an action's decision
 * to its arrival at the receiver at a steady rate below both.
 */
public final class DeliveryBenchmark {

    private static final String SECRET = "bench-webhook-secret-0123456789";
    private static final Pattern DECIDED_AT = Pattern.compile("\"decidedAt\":\"([^\"]+)\"");

    /** What one run measured. */
    public record Result(int actions, int concurrency, Duration bare, Duration dispatcher, double steadyRate, int steadyActions,
                         Histogram decisionToDeliveryMicros) {
        public double bareRate() {
            return actions / (bare.toNanos() / 1e9);
        }

        public double dispatcherRate() {
            return actions / (dispatcher.toNanos() / 1e9);
        }
    }

    private DeliveryBenchmark() {}

    public static Result run(NudgeConfig config, int actions, double steadyRate, int steadySeconds, PrintWriter progress) throws Exception {
        NudgeConfig bench = BenchData.benchTopics(config).with(Map.of(NudgeConfig.TOPIC_OUTREACH_FAILED, "bench-outreach-failed",
                NudgeConfig.TOPIC_OUTREACH_FEEDBACK, "bench-outreach-feedback", NudgeConfig.DISPATCH_GROUP, "bench-dispatch",
                NudgeConfig.DISPATCH_HTTP_PORT, "0", NudgeConfig.DISPATCH_RATE, "1000000", NudgeConfig.DISPATCH_WEBHOOK_SECRET, SECRET));
        TopicSetup.ensureTopics(bench);
        int concurrency = bench.get(NudgeConfig.DISPATCH_CONCURRENCY);
        try (Receiver receiver = new Receiver()) {
            bench = bench.with(NudgeConfig.DISPATCH_WEBHOOK_URL, receiver.url("/signed"));
            String topic = bench.get(NudgeConfig.TOPIC_OUTREACH);
            produce(bench, topic, "burst-", actions, 0, progress);

            progress.printf("bare consumer POSTing %,d actions, %d at a time ...%n", actions, concurrency).flush();
            long started = System.nanoTime();
            bare(bench, topic, receiver, actions, concurrency);
            Duration bare = Duration.ofNanos(System.nanoTime() - started);

            progress.printf("dispatcher delivering %,d actions ...%n", actions).flush();
            receiver.reset();
            started = System.nanoTime();
            try (DispatchService dispatch = DispatchService.start(bench)) {
                receiver.awaitSigned(actions);
                Duration dispatched = Duration.ofNanos(System.nanoTime() - started);

                int steady = (int) (steadyRate * steadySeconds);
                progress.printf("steady: %,.0f actions/s for %d s, decision to delivery ...%n", steadyRate, steadySeconds).flush();
                receiver.reset();
                produce(bench, topic, "steady-", steady, steadyRate, progress);
                receiver.awaitSigned(steady);
                if (receiver.badSignatures.get() > 0) {
                    throw new IllegalStateException(receiver.badSignatures.get() + " calls without a valid signature");
                }
                return new Result(actions, concurrency, bare, dispatched, steadyRate, steady, receiver.latencies.copy());
            }
        }
    }

    /** {@code count} actions to send, each decided as it is written; at {@code rate} per second, or at once when 0. */
    private static void produce(NudgeConfig config, String topic, String prefix, int count, double rate, PrintWriter progress) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (rate > 0) {
                    long due = start + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                OutreachAction action = OutreachAction.newBuilder().setActionId(prefix + i).setCustomerId("c-" + i % 10_000).setRuleId("bench")
                        .setRuleVersion(1).setChannel(Channel.EMAIL).setTemplateId("cart-reminder").setStatus(OutreachStatus.SEND)
                        .setReason("bench").setDecidedAt(Instant.now()).setPayload(Map.of("cartItems", "kitchen-001,kitchen-002")).build();
                sent.add(producer.send(new ProducerRecord<>(topic, action.getActionId().getBytes(StandardCharsets.UTF_8), Codecs.OUTREACH.encode(action))));
            }
            for (Future<?> one : sent) {
                one.get();
            }
            if (rate == 0) {
                progress.printf("wrote %,d actions%n", count).flush();
            }
        }
    }

    /** The ceiling: a consumer that POSTs each record's bytes, {@code concurrency} at a time, committing per batch. */
    private static void bare(NudgeConfig config, String topic, Receiver receiver, int actions, int concurrency) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-bare-delivery");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        HttpClient http = HttpClient.newHttpClient();
        URI target = URI.create(receiver.url("/bare"));
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int done = 0;
            while (done < actions) {
                List<Future<?>> batch = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    batch.add(workers.submit(() -> http.send(HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers.ofByteArray(record.value())).build(),
                            HttpResponse.BodyHandlers.discarding())));
                }
                for (Future<?> one : batch) {
                    one.get();
                }
                consumer.commitSync();
                done += batch.size();
            }
        } finally {
            workers.shutdownNow();
        }
    }

    /** The provider's side: checks signatures on /signed, counts, and records each action's decision-to-arrival delay. */
    private static final class Receiver implements AutoCloseable {
        final AtomicInteger signed = new AtomicInteger();
        final AtomicInteger badSignatures = new AtomicInteger();
        volatile Histogram latencies = new Histogram(3_600_000_000L, 3);
        private final HttpServer server;
        private final byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.setExecutor(Executors.newFixedThreadPool(16));
            server.createContext("/signed", this::signed);
            server.createContext("/bare", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        private void signed(HttpExchange exchange) throws IOException {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long now = System.currentTimeMillis();
            if (!WebhookSignature.verify(secret, exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER), body, now / 1000, Duration.ofMinutes(5))) {
                badSignatures.incrementAndGet();
            } else {
                Matcher decided = DECIDED_AT.matcher(new String(body, StandardCharsets.UTF_8));
                if (decided.find()) {
                    long micros = Math.max(0, (now - Instant.parse(decided.group(1)).toEpochMilli()) * 1_000);
                    synchronized (this) {
                        latencies.recordValue(Math.min(micros, latencies.getHighestTrackableValue()));
                    }
                }
                signed.incrementAndGet();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        }

        synchronized void reset() {
            signed.set(0);
            latencies = new Histogram(3_600_000_000L, 3);
        }

        void awaitSigned(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (signed.get() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + signed.get() + " of " + count + " actions arrived in 10 minutes");
                }
                Thread.sleep(5);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
