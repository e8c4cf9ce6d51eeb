package io.nudge.backtest;

import io.nudge.config.NudgeConfig;
import io.nudge.events.EventValidator;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.UndecodableMessageException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongConsumer;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Past events for a backtest, in event-time order: from Avro container files of {@link InteractionEvent} (the
 * archive's format, readable by the standard Avro tools) or from the events topic between two timestamps.
 * Records that do not decode or validate are counted and left out, as the live job would dead-letter them.
 */
public final class History {

    /** The events, ordered by event time (ties in reading order), and what was left out. */
    public record Read(List<InteractionEvent> events, long rejected) {}

    private History() {}

    public static Read fromAvroFiles(List<Path> files, LongConsumer progress) throws IOException {
        List<InteractionEvent> events = new ArrayList<>();
        long rejected = 0;
        for (Path file : files) {
            try (DataFileReader<InteractionEvent> reader = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(InteractionEvent.class))) {
                for (InteractionEvent event : reader) {
                    if (EventValidator.validate(event).isEmpty()) {
                        events.add(event);
                    } else {
                        rejected++;
                    }
                    if ((events.size() + rejected) % 100_000 == 0) {
                        progress.accept(events.size() + rejected);
                    }
                }
            }
        }
        return ordered(events, rejected);
    }

    /** Thrown when a range holds more events than the caller is prepared to hold in memory. */
    public static final class TooManyEvents extends RuntimeException {
        TooManyEvents(long limit) {
            super("the range holds more than " + limit + " events");
        }
    }

    /** The events topic's records with Kafka timestamps (event times, as the API writes them) in [from, until). */
    public static Read fromKafka(NudgeConfig config, Instant from, Instant until, LongConsumer progress) {
        return fromKafka(config, from, until, Long.MAX_VALUE, progress);
    }

    /**
     * As {@link #fromKafka(NudgeConfig, Instant, Instant, LongConsumer)}, holding at most {@code maxEvents} in memory.
     *
     * @throws TooManyEvents when the range holds more
     */
    public static Read fromKafka(NudgeConfig config, Instant from, Instant until, long maxEvents, LongConsumer progress) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<InteractionEvent> events = new ArrayList<>();
        long rejected = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = config.get(NudgeConfig.TOPIC_EVENTS);
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> starts = new HashMap<>();
            partitions.forEach(p -> starts.put(p, from.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> startOffsets = consumer.offsetsForTimes(starts);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = startOffsets.get(partition);
                consumer.seek(partition, start == null ? ends.get(partition) : start.offset());
            }
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= ends.get(new TopicPartition(record.topic(), record.partition())) || record.timestamp() >= until.toEpochMilli()) {
                        continue;
                    }
                    try {
                        InteractionEvent event = Codecs.EVENTS.decode(record.value());
                        if (EventValidator.validate(event).isEmpty()) {
                            if (events.size() == maxEvents) {
                                throw new TooManyEvents(maxEvents);
                            }
                            events.add(event);
                        } else {
                            rejected++;
                        }
                    } catch (UndecodableMessageException e) {
                        rejected++;
                    }
                }
                progress.accept(events.size() + rejected);
            }
        }
        return ordered(events, rejected);
    }

    private static Read ordered(List<InteractionEvent> events, long rejected) {
        events.sort(Comparator.comparing(InteractionEvent::getEventTime));
        return new Read(events, rejected);
    }
}
