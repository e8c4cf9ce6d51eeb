package io.nudge.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nudge.config.NudgeConfig;
import io.nudge.kafka.LocalKafkaBroker;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.serving.kafka.TopicSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History for a backtest taken from the events topic between two instants, on a real broker. */
class KafkaHistoryIT {

    @TempDir
    Path dir;

    @Test
    void readsOnlyTheTimeRangeInEventTimeOrderAndLeavesOutWhatDoesNotDecode() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"))) {
            NudgeConfig config = NudgeConfig.defaults().with(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
            TopicSetup.ensureTopics(config);
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (String at : List.of("2026-11-01T09:00:00Z", "2026-11-02T10:00:00Z", "2026-11-02T08:00:00Z", "2026-11-03T00:00:00Z")) {
                    Instant time = Instant.parse(at);
                    InteractionEvent event = InteractionEvent.newBuilder().setEventId(at).setCustomerId("c-" + at.substring(8, 10))
                            .setType(EventType.PAGE_VIEW).setEventTime(time).build();
                    producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_EVENTS), null, time.toEpochMilli(),
                            event.getCustomerId().getBytes(StandardCharsets.UTF_8), Codecs.EVENTS.encode(event))).get();
                }
                producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_EVENTS), null, Instant.parse("2026-11-02T12:00:00Z").toEpochMilli(),
                        null, "garbage".getBytes(StandardCharsets.UTF_8))).get();
            }

            History.Read history = History.fromKafka(config, Instant.parse("2026-11-02T00:00:00Z"), Instant.parse("2026-11-03T00:00:00Z"), n -> { });

            assertEquals(List.of(Instant.parse("2026-11-02T08:00:00Z"), Instant.parse("2026-11-02T10:00:00Z")),
                    history.events().stream().map(InteractionEvent::getEventTime).toList());
            assertEquals(1, history.rejected());
            assertThrows(History.TooManyEvents.class, () -> History.fromKafka(config, Instant.parse("2026-11-02T00:00:00Z"),
                    Instant.parse("2026-11-03T00:00:00Z"), 1, n -> { }), "a caller may cap what it holds in memory");
        }
    }
}
