package io.nudge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job is killed mid-stream, after some outreach actions were committed, and restored from its last
 * checkpoint while events keep arriving. A read_committed reader must then see every expected action exactly
 * once: none lost with the killed job, none repeated by the replay after the restore.
 */
class OutreachExactlyOnceTest {

    private static final int CUSTOMERS = 600;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path workDir;

    @Test
    void everyActionIsCommittedExactlyOnceAcrossAKillAndRestore() throws Exception {
        try (LocalStack stack = LocalStack.start(workDir, NudgeConfig.defaults()
                .with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s")
                .with(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT, "1s"))) {
            String base = "http://127.0.0.1:" + stack.api().port();
            send(base + "/v1/admin/rules", stack.api().adminKey(), """
                    {"ruleId": "cart-tip", "name": "Tip on every cart", "when": {"kind": "event", "event": {"type": "add_to_cart"}},
                     "then": {"channel": "web", "templateId": "tip"}}
                    """, 201);
            awaitRuleLive(stack, base);

            AtomicInteger sent = new AtomicInteger();
            ScheduledExecutorService shoppers = Executors.newSingleThreadScheduledExecutor();
            shoppers.scheduleAtFixedRate(() -> {
                int i = sent.get();
                if (i < CUSTOMERS) {
                    send(base + "/v1/events", stack.api().siteKey(), "{\"type\":\"add_to_cart\",\"customerId\":\"shopper-" + i
                            + "\",\"itemId\":\"lamp\",\"quantity\":1}", 202);
                    sent.incrementAndGet();
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            try {
                awaitCommitted(stack, 50, false);
                assertTrue(sent.get() < CUSTOMERS, "the kill must come mid-stream");
                long restartStarted = System.nanoTime();
                Path checkpoint = stack.restartJobFromLatestCheckpoint();
                System.out.printf("[measured] killed after %d events sent; restored from %s in %d ms%n", sent.get(),
                        checkpoint.getFileName(), (System.nanoTime() - restartStarted) / 1_000_000);
            } finally {
                awaitSent(sent);
                shoppers.shutdownNow();
            }

            Map<String, Integer> committed = awaitCommitted(stack, CUSTOMERS, true);
            assertEquals(CUSTOMERS, committed.size());
            committed.forEach((actionId, copies) -> assertEquals(1, copies, actionId + " committed " + copies + " times"));
        }
    }

    /**
     * A rule reaches the job through the rules topic within seconds; a cart that arrives before it rightly gets
     * nothing. So the shoppers start only once a warm-up cart has been answered.
     */
    private void awaitRuleLive(LocalStack stack, String base) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        for (int warmUp = 0; stack.api().outbox().recent(action -> action.getCustomerId().startsWith("warm-up-"), 1).isEmpty(); warmUp++) {
            assertTrue(System.nanoTime() < deadline, "the rule never fired within " + DEADLINE);
            send(base + "/v1/events", stack.api().siteKey(), "{\"type\":\"add_to_cart\",\"customerId\":\"warm-up-" + warmUp
                    + "\",\"itemId\":\"lamp\",\"quantity\":1}", 202);
            Thread.sleep(200);
        }
    }

    private static void awaitSent(AtomicInteger sent) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (sent.get() < CUSTOMERS && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(CUSTOMERS, sent.get(), "all shoppers' events sent");
    }

    /**
     * Reads the whole outreach topic read_committed until {@code expected} distinct sent actions are there (and,
     * when {@code settle}, until two seconds pass without more, so late duplicates would show); copies per action id.
     */
    private static Map<String, Integer> awaitCommitted(LocalStack stack, int expected, boolean settle) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "exactly-once-check-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> copies = new HashMap<>();
        Map<String, String> otherStatuses = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.config().get(NudgeConfig.TOPIC_OUTREACH)));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            int quietPolls = 0;
            while (System.nanoTime() < deadline && (copies.size() < expected || (settle && quietPolls < 10))) {
                var records = consumer.poll(Duration.ofMillis(200));
                quietPolls = records.isEmpty() ? quietPolls + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    OutreachAction action = decode(record.value());
                    if (action.getStatus() == OutreachStatus.SEND && action.getCustomerId().startsWith("shopper-")) {
                        copies.merge(action.getActionId(), 1, Integer::sum);
                    } else {
                        otherStatuses.put(action.getCustomerId(), action.getStatus() + ": " + action.getReason());
                    }
                }
            }
        }
        if (copies.size() < expected) {
            Set<String> customers = copies.keySet().stream().map(id -> id.split(":")[2]).collect(Collectors.toSet());
            List<String> missing = IntStream.range(0, CUSTOMERS).mapToObj(i -> "shopper-" + i).filter(id -> !customers.contains(id)).toList();
            throw new AssertionError("only " + copies.size() + " of " + expected + " actions committed within " + DEADLINE + "; missing "
                    + missing + "; uncommitted or aborted: " + uncommitted(stack, missing) + "; other statuses: " + otherStatuses);
        }
        return copies;
    }

    /** For a failure report: what a read_uncommitted reader sees for these customers, with partition and offset. */
    private static List<String> uncommitted(LocalStack stack, List<String> customers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "exactly-once-diagnosis-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<String> found = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.config().get(NudgeConfig.TOPIC_OUTREACH)));
            for (int quiet = 0; quiet < 10; ) {
                var records = consumer.poll(Duration.ofMillis(200));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    OutreachAction action = decode(record.value());
                    if (customers.contains(action.getCustomerId())) {
                        found.add(action.getCustomerId() + "@" + record.partition() + ":" + record.offset());
                    }
                }
            }
        }
        return found;
    }

    private static OutreachAction decode(byte[] value) {
        try {
            return Codecs.OUTREACH.decode(value);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void send(String url, String key, String body, int expectedStatus) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            request.header("Authorization", "Bearer " + key);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(expectedStatus, response.statusCode(), response.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
