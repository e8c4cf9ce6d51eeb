package io.nudge.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.kafka.LocalKafkaBroker;
import io.nudge.schemas.Channel;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.FailedOutreach;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher on a real broker against a real HTTP receiver that checks every signature and honours idempotency
 * keys, some of its answers failing first (500, 429 with Retry-After) or for good (400).
 */
class DispatcherIT {

    private static final String SECRET = "test-webhook-secret-0123456789";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static LocalKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    /** Topics of their own per test, so that each test's dispatcher reads only its actions. */
    private static NudgeConfig config(String prefix, String webhookUrl) throws Exception {
        NudgeConfig config = NudgeConfig.defaults().with(Map.of(
                NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                NudgeConfig.TOPIC_OUTREACH, prefix + "-outreach", NudgeConfig.TOPIC_OUTREACH_FAILED, prefix + "-outreach-failed",
                NudgeConfig.TOPIC_FORGOTTEN, prefix + "-forgotten", NudgeConfig.DISPATCH_GROUP, prefix + "-dispatch",
                NudgeConfig.DISPATCH_WEBHOOK_URL, webhookUrl, NudgeConfig.DISPATCH_WEBHOOK_SECRET, SECRET,
                NudgeConfig.DISPATCH_HTTP_PORT, "0", NudgeConfig.DISPATCH_SMS, "none"))
                .with(Map.of(NudgeConfig.DISPATCH_RETRY_INITIAL, "20ms", NudgeConfig.DISPATCH_RETRY_MAX, "100ms", NudgeConfig.DISPATCH_RETRY_ATTEMPTS, "4",
                        NudgeConfig.DISPATCH_CONCURRENCY, "4"));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(prefix + "-outreach", 2, (short) 1), new NewTopic(prefix + "-outreach-failed", 1, (short) 1),
                    new NewTopic(prefix + "-forgotten", 1, (short) 1))).all().get();
        }
        return config;
    }

    static OutreachAction action(String id, String customer, Channel channel, String template, OutreachStatus status) {
        return OutreachAction.newBuilder().setActionId(id).setCustomerId(customer).setRuleId("rule").setRuleVersion(1).setChannel(channel)
                .setTemplateId(template).setStatus(status).setReason("test").setDecidedAt(Instant.now()).setPayload(Map.of("itemTitle", "Kettle")).build();
    }

    static void produce(NudgeConfig config, String topic, Map<String, byte[]> records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> record : records.entrySet()) {
                producer.send(new ProducerRecord<>(topic, record.getKey().getBytes(StandardCharsets.UTF_8), record.getValue())).get();
            }
        }
    }

    static void produceActions(NudgeConfig config, List<OutreachAction> actions) throws Exception {
        Map<String, byte[]> records = new java.util.LinkedHashMap<>();
        actions.forEach(action -> records.put(action.getActionId(), Codecs.OUTREACH.encode(action)));
        produce(config, config.get(NudgeConfig.TOPIC_OUTREACH), records);
    }

    static List<FailedOutreach> failed(NudgeConfig config, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "failed-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<FailedOutreach> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.get(NudgeConfig.TOPIC_OUTREACH_FAILED)));
            Awaitility.await("the failed actions recorded").atMost(DEADLINE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(Codecs.FAILED_OUTREACH.decode(record.value()));
                }
                return read.size() >= expected;
            });
        }
        return read;
    }

    @Test
    void everyActionIsDeliveredOnceThroughRetriesAndTheRestIsRecordedWithItsReason() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET, (key, call) ->
                key.endsWith("-broken") ? 400 : key.endsWith("-flaky") && call == 1 ? 500 : key.endsWith("-busy") && call == 1 ? 429 : 200)) {
            NudgeConfig config = config("deliver", receiver.url());
            List<OutreachAction> actions = new ArrayList<>();
            Set<String> toDeliver = new HashSet<>();
            for (int i = 0; i < 120; i++) {
                String id = "a" + i + (i % 10 == 0 ? "-flaky" : i % 15 == 0 ? "-busy" : i < 3 ? "-broken" : "");
                Channel channel = Channel.values()[1 + i % 4] == Channel.SMS ? Channel.EMAIL : Channel.values()[1 + i % 4];
                actions.add(action(id, "c" + i, channel, "price-drop", OutreachStatus.SEND));
                if (!id.endsWith("-broken")) {
                    toDeliver.add(id);
                }
            }
            for (int i = 0; i < 10; i++) {
                actions.add(action("suppressed-" + i, "c" + i, Channel.EMAIL, "price-drop", OutreachStatus.SUPPRESSED));
            }
            actions.add(action("sms-1", "c1", Channel.SMS, "price-drop", OutreachStatus.SEND));
            actions.add(action("sms-2", "c2", Channel.SMS, "price-drop", OutreachStatus.SEND));
            actions.add(action("gone-1", "forgotten-customer", Channel.EMAIL, "price-drop", OutreachStatus.SEND));
            produce(config, config.get(NudgeConfig.TOPIC_FORGOTTEN), Map.of("forgotten-customer", "2026-11-29T00:00:00Z".getBytes(StandardCharsets.UTF_8)));
            produceActions(config, actions);

            try (DispatchService service = DispatchService.start(config)) {
                Awaitility.await("every action delivered").atMost(DEADLINE).until(() -> receiver.actedOn.containsAll(toDeliver));
                List<FailedOutreach> failures = failed(config, 4);
                Map<String, String> reasons = new HashMap<>();
                failures.forEach(f -> reasons.put(f.getAction().getActionId(), f.getReason()));
                assertEquals(Set.of("a1-broken", "a2-broken", "sms-1", "sms-2"), reasons.keySet());
                assertTrue(reasons.get("a1-broken").contains("HTTP 400"), reasons.toString());
                assertTrue(reasons.get("sms-1").contains("no provider for the sms channel"), reasons.toString());
                assertEquals(toDeliver, receiver.actedOn, "nothing else acted on: not the suppressed, not the forgotten customer's");
                assertEquals(0, receiver.badSignatures.get());
                assertEquals(0, receiver.actedTwice.get(), "no key came again after it was accepted");
                assertEquals(2, receiver.calls.get("a10-flaky").get(), "a 500, then accepted");
                assertEquals(2, receiver.calls.get("a15-busy").get(), "a 429, then accepted after Retry-After");
                assertEquals(toDeliver.size(), service.dispatcher().delivered());
            }
        }
    }

    @Test
    void retriesRunOutIntoTheFailedTopic() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET, (key, call) -> 503)) {
            NudgeConfig config = config("exhausted", receiver.url());
            produceActions(config, List.of(action("always-down", "c1", Channel.PUSH, "price-drop", OutreachStatus.SEND)));
            try (DispatchService service = DispatchService.start(config)) {
                FailedOutreach failure = failed(config, 1).get(0);
                assertEquals("gave up after 4 tries: HTTP 503", failure.getReason());
                assertEquals(4, failure.getAttempts());
                assertEquals("webhook", failure.getProvider());
                assertEquals(4, receiver.calls.get("always-down").get());
            }
        }
    }

    @Test
    void aStopMidStreamAndARestartDeliverEveryActionExactlyOnceToTheReceiver() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET, (key, call) -> 200)) {
            NudgeConfig config = config("restart", receiver.url()).with(NudgeConfig.DISPATCH_RATE, 200);
            List<OutreachAction> actions = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                actions.add(action("r" + i, "c" + i, Channel.EMAIL, "price-drop", OutreachStatus.SEND));
            }
            produceActions(config, actions);
            try (DispatchService first = DispatchService.start(config)) {
                Awaitility.await("some delivered").atMost(DEADLINE).until(() -> receiver.actedOn.size() >= 100);
            }
            int beforeRestart = receiver.actedOn.size();
            assertTrue(beforeRestart < 600, "stopped mid-stream: " + beforeRestart);
            try (DispatchService second = DispatchService.start(config)) {
                Awaitility.await("the rest delivered after the restart").atMost(DEADLINE).until(() -> receiver.actedOn.size() == 600);
            }
            assertEquals(0, receiver.actedTwice.get(), "a stop finishes and commits its batch: nothing comes twice");
        }
    }

    @Test
    void aDispatcherKilledMidBatchLosesNothingAndTheReceiverActsOnEachActionOnce() throws Exception {
        // A slow provider (20 ms a call) keeps a batch in flight long enough to be killed in the middle of it.
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET, (key, call) -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        })) {
            NudgeConfig config = config("killed", receiver.url());
            List<OutreachAction> actions = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                actions.add(action("k" + i, "c" + i, Channel.values()[1 + i % 4] == Channel.SMS ? Channel.PUSH : Channel.values()[1 + i % 4],
                        "price-drop", OutreachStatus.SEND));
            }
            produceActions(config, actions);
            List<String> args = new ArrayList<>();
            config.overrides().forEach((key, value) -> args.add(key + "=" + value));
            Process first = dispatcherProcess(args);
            Awaitility.await("deliveries under way").atMost(DEADLINE).until(() -> receiver.actedOn.size() >= 200);
            first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no commit
            int beforeKill = receiver.actedOn.size();
            assertTrue(beforeKill < 1_000, "killed before the end: " + beforeKill);

            Process second = dispatcherProcess(args);
            try {
                Awaitility.await("every action delivered after the restart").atMost(DEADLINE).until(() -> receiver.actedOn.size() == 1_000);
            } finally {
                second.destroy();
                second.waitFor();
            }
            System.out.printf("[measured] dispatcher killed after %d of 1,000 actions; after the restart every action acted on once, "
                    + "%d calls came again for actions already done (the uncommitted batch) and were answered as done%n", beforeKill, receiver.actedTwice.get());
            assertTrue(receiver.actedTwice.get() > 0, "the kill came mid-batch: its delivered but uncommitted actions came again");
            assertEquals(0, receiver.badSignatures.get());
        }
    }

    /** The dispatcher in a JVM of its own, with the test's classpath. */
    private static Process dispatcherProcess(List<String> settings) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), DispatcherProcess.class.getName()));
        command.addAll(settings);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("dispatcher-" + System.nanoTime() + ".log").toFile()).start();
    }
}
