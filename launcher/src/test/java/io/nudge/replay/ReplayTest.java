package io.nudge.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.config.NudgeConfig;
import io.nudge.job.replay.Replay;
import io.nudge.kafka.LocalKafkaBroker;
import io.nudge.kafka.TopicSetup;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.RuleStatus;
import io.nudge.schemas.TriggerRule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

/** The job over an archive, twice, on the real broker and MiniCluster: same input, byte-identical outputs. */
class ReplayTest {

    private static final Instant T0 = Instant.parse("2026-10-05T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void replayingAnArchiveTwiceGivesTheSameBytesInItsOwnNamespace() throws Exception {
        Path archive = dir.resolve("events.avro");
        try (DataFileWriter<InteractionEvent> writer = new DataFileWriter<>(new SpecificDatumWriter<>(InteractionEvent.class))) {
            writer.create(InteractionEvent.SCHEMA$, archive.toFile());
            for (int i = 0; i < 60; i++) {
                writer.append(InteractionEvent.newBuilder().setEventId("e" + i).setCustomerId("c-" + (i % 3))
                        .setType(i % 4 == 0 ? EventType.ADD_TO_CART : EventType.PRODUCT_VIEW).setEventTime(T0.plusSeconds(i * 7L))
                        .setItemId("item-" + (i % 5)).setCategory(i % 2 == 0 ? "garden" : "kitchen").setQuantity(1).build());
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
                    Replay.namespace(config, "r1-"), 61, new PrintWriter(new StringWriter()));
            ReplayRun.Summary second = ReplayRun.run(Replay.fromFiles(Replay.namespace(config, "r2-"), List.of(archive)),
                    Replay.namespace(config, "r2-"), 61, new PrintWriter(new StringWriter()));

            assertEquals(61, first.recordsRead());
            assertEquals(Map.of("invalid", 1L), first.rejectedByReason());
            assertEquals(3, first.profiles());
            assertEquals(Map.of("send", 15L), first.actionsByStatus(), "a tip for each of the 15 carts: 5 per customer, under the web cap");
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
                    Replay.namespace(config, "r3-"), 61, new PrintWriter(new StringWriter()));
            assertEquals(2, afterForget.profiles(), "the forgotten customer's archived events are skipped");
            assertEquals(List.of(), TopicContents.read(config, "r3-" + config.get(NudgeConfig.TOPIC_OUTREACH)).stream()
                    .filter(e -> "c-2".equals(e.key())).toList());
        }
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
