package io.nudge.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.job.replay.Replay;
import io.nudge.kafka.LocalKafkaBroker;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.RuleStatus;
import io.nudge.schemas.TriggerRule;
import io.nudge.serving.kafka.TopicSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job over history on the real broker and MiniCluster: an archive twice, at parallelism 1 and 2, with
 * byte-identical outputs; and a time range of the events topic.
 */
class ReplayIT {

    private static final Instant T0 = Instant.parse("2026-10-05T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void replayingAnArchiveTwiceGivesTheSameBytesAtAnyParallelismInItsOwnNamespace() throws Exception {
        Path archive = dir.resolve("events.avro");
        try (DataFileWriter<InteractionEvent> writer = new DataFileWriter<>(new SpecificDatumWriter<>(InteractionEvent.class))) {
            writer.create(InteractionEvent.SCHEMA$, archive.toFile());
            for (int i = 0; i < 60; i++) {
                writer.append(InteractionEvent.newBuilder().setEventId("e" + i).setCustomerId("c-" + (i % 3))
                        .setType(i % 4 == 0 ? EventType.ADD_TO_CART : EventType.PRODUCT_VIEW).setEventTime(T0.plusSeconds(i * 7L))
                        .setItemId("item-" + (i % 5)).setCategory(i % 2 == 0 ? "garden" : "kitchen").setQuantity(1).build());
            }
            for (int v = 0; v < 2; v++) { // visitors who browse, then log in as c-0 and c-1: their events reach the customer by a second path
                String visitor = "v-" + v;
                for (int i = 0; i < 4; i++) {
                    writer.append(InteractionEvent.newBuilder().setEventId(visitor + "-view-" + i).setAnonymousId(visitor)
                            .setType(EventType.PRODUCT_VIEW).setEventTime(T0.plusSeconds(100 + v * 50 + i * 3L))
                            .setItemId("item-" + (i + v)).setCategory("toys").build());
                }
                writer.append(InteractionEvent.newBuilder().setEventId(visitor + "-login").setAnonymousId(visitor).setCustomerId("c-" + v)
                        .setType(EventType.IDENTIFY).setEventTime(T0.plusSeconds(113 + v * 50)).build());
                writer.append(InteractionEvent.newBuilder().setEventId(visitor + "-cart").setAnonymousId(visitor).setCustomerId("c-" + v)
                        .setType(EventType.ADD_TO_CART).setEventTime(T0.plusSeconds(114 + v * 50)).setItemId("item-9").setCategory("toys")
                        .setQuantity(1).build());
            }
            writer.append(InteractionEvent.newBuilder().setEventId("broken").setCustomerId("c-0").setType(EventType.PRODUCT_VIEW)
                    .setEventTime(T0).build()); // no itemId: rejected
        }

        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"))) {
            NudgeConfig config = NudgeConfig.defaults().with(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers())
                    .with(NudgeConfig.JOB_CHECKPOINT_DIR, dir.resolve("checkpoints").toUri())
                    .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s");
            TopicSetup.ensureTopics(config);
            publishRule(config, broker);

            ReplayRun.Summary first = ReplayRun.run(Replay.fromFiles(Replay.namespace(config, "r1-"), List.of(archive)),
                    Replay.namespace(config, "r1-"), 73, new PrintWriter(new StringWriter()));
            NudgeConfig parallel = Replay.namespace(config, "r2-").with(NudgeConfig.JOB_PARALLELISM, "2");
            ReplayRun.Summary second = ReplayRun.run(Replay.fromFiles(parallel, List.of(archive)), parallel, 73, new PrintWriter(new StringWriter()));

            assertEquals(73, first.recordsRead());
            assertEquals(Map.of("invalid", 1L), first.rejectedByReason());
            assertEquals(5, first.profiles(), "three customers and the two visitors' pointers");
            assertEquals(Map.of("send", 17L), first.actionsByStatus(), "a tip for each of the 17 carts, under the web cap");
            assertEquals(first.rejectedByReason(), second.rejectedByReason());
            for (var topic : List.of(NudgeConfig.TOPIC_PROFILES, NudgeConfig.TOPIC_OUTREACH, NudgeConfig.TOPIC_ASSOCIATIONS)) {
                List<TopicContents.Entry> a = sorted(TopicContents.read(config, "r1-" + config.get(topic)));
                List<TopicContents.Entry> b = sorted(TopicContents.read(config, "r2-" + config.get(topic)));
                assertEquals(a.size(), b.size(), topic.key());
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(a.get(i).key(), b.get(i).key());
                    assertArrayEquals(a.get(i).value(), b.get(i).value(), topic.key() + " record " + i);
                }
            }
            assertEquals(0, TopicContents.read(config, config.get(NudgeConfig.TOPIC_PROFILES)).size(), "production topics untouched");

            forget(config, broker, "c-2");
            ReplayRun.Summary afterForget = ReplayRun.run(Replay.fromFiles(Replay.namespace(config, "r3-"), List.of(archive)),
                    Replay.namespace(config, "r3-"), 73, new PrintWriter(new StringWriter()));
            assertEquals(4, afterForget.profiles(), "the forgotten customer's archived events are skipped");
            assertEquals(List.of(), TopicContents.read(config, "r3-" + config.get(NudgeConfig.TOPIC_OUTREACH)).stream()
                    .filter(e -> "c-2".equals(e.key())).toList());
        }
    }

    @Test
    void replayingAKafkaTimeRangeReadsOnlyThatRange() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"))) {
            NudgeConfig config = NudgeConfig.defaults().with(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers())
                    .with(NudgeConfig.JOB_CHECKPOINT_DIR, dir.resolve("checkpoints").toUri())
                    .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s");
            TopicSetup.ensureTopics(config);
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int minute = 0; minute < 30; minute++) { // one view a minute, for half an hour
                    String customer = "k-" + (minute % 3);
                    Instant at = T0.plus(Duration.ofMinutes(minute));
                    InteractionEvent view = InteractionEvent.newBuilder().setEventId("view-" + minute).setCustomerId(customer)
                            .setType(EventType.PRODUCT_VIEW).setEventTime(at).setItemId("item-" + minute).setCategory("garden").build();
                    producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_EVENTS), null, at.toEpochMilli(),
                            customer.getBytes(StandardCharsets.UTF_8), Codecs.EVENTS.encode(view))).get();
                }
            }

            Instant from = T0.plus(Duration.ofMinutes(10));
            Instant until = T0.plus(Duration.ofMinutes(20));
            NudgeConfig replay = Replay.namespace(config, "range-");
            ReplayRun.Summary summary = ReplayRun.run(Replay.fromKafka(replay, from, until), replay, 0, new PrintWriter(new StringWriter()));

            assertEquals(10, summary.recordsRead(), "minutes 10 to 19");
            assertEquals(3, summary.profiles());
            long views = 0;
            for (CustomerProfile profile : latestProfiles(replay)) {
                assertTrue(!profile.getFirstSeen().isBefore(from) && profile.getLastSeen().isBefore(until), profile.toString());
                views += profile.getEventCounts().get("PRODUCT_VIEW");
            }
            assertEquals(10, views, "every event of the range in exactly one profile");
        }
    }

    private static List<CustomerProfile> latestProfiles(NudgeConfig replay) throws Exception {
        Map<String, CustomerProfile> latest = new java.util.TreeMap<>();
        for (TopicContents.Entry entry : TopicContents.read(replay, replay.get(NudgeConfig.TOPIC_PROFILES))) {
            CustomerProfile profile = Codecs.PROFILES.decode(entry.value());
            latest.merge(entry.key(), profile, (a, b) -> b.getSequence() > a.getSequence() ? b : a);
        }
        return List.copyOf(latest.values());
    }

    private static List<TopicContents.Entry> sorted(List<TopicContents.Entry> entries) {
        return entries.stream().sorted(Comparator.comparing(TopicContents.Entry::key)
                .thenComparing(e -> new String(e.value() == null ? new byte[0] : e.value(), StandardCharsets.ISO_8859_1))).toList();
    }

    private static void forget(NudgeConfig config, LocalKafkaBroker broker, String customerId) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_FORGOTTEN), customerId.getBytes(StandardCharsets.UTF_8),
                    T0.toString().getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private static void publishRule(NudgeConfig config, LocalKafkaBroker broker) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        TriggerRule rule = new TriggerRule("cart-tip", 1, RuleStatus.ACTIVE, """
                {"name": "Tip", "when": {"kind": "event", "event": {"type": "add_to_cart"}}, "then": {"channel": "web", "templateId": "tip"}}
                """, T0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_RULES), "cart-tip".getBytes(StandardCharsets.UTF_8),
                    Codecs.RULES.encode(rule))).get();
        }
    }
}
