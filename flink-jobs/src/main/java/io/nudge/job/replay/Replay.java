package io.nudge.job.replay;

import io.nudge.config.NudgeConfig;
import io.nudge.job.KafkaEndpoints;
import io.nudge.job.PersonalizationJob;
import io.nudge.job.events.EventRecordDeserializer;
import io.nudge.job.events.SourceRecord;
import io.nudge.job.triggers.RulesAndOffers;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.Offer;
import io.nudge.schemas.ExperimentDefinition;
import io.nudge.schemas.SegmentDefinition;
import io.nudge.schemas.TriggerRule;
import io.nudge.schemas.UndecodableMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.fs.Path;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The personalization job run over history, in bounded mode: the same graph, fed from archived Avro files or a
 * Kafka time range, writing to a separate namespace (topic prefix) so production outputs are untouched. Rules
 * and offers are read from the production topics as they are now.
 */
public final class Replay {
    private Replay() {}

    /**
     * {@code config} with every output topic prefixed, no archive, its own consumer group and transactions, and
     * inputs applied in event-time order, so that outputs do not depend on parallelism or timing.
     */
    public static NudgeConfig namespace(NudgeConfig config, String prefix) {
        NudgeConfig replay = config.with(NudgeConfig.ARCHIVE_DIR, "").with(NudgeConfig.JOB_EVENT_TIME_ORDER, "true")
                .with(NudgeConfig.JOB_CONSUMER_GROUP, prefix + config.get(NudgeConfig.JOB_CONSUMER_GROUP));
        for (var topic : List.of(NudgeConfig.TOPIC_PROFILES, NudgeConfig.TOPIC_ASSOCIATIONS, NudgeConfig.TOPIC_TRENDING,
                NudgeConfig.TOPIC_OUTREACH, NudgeConfig.TOPIC_SEGMENT_CHANGES, NudgeConfig.TOPIC_EXPERIMENT_OUTCOMES, NudgeConfig.TOPIC_EVENTS_DLQ)) {
            replay = replay.with(topic, prefix + config.get(topic));
        }
        return replay;
    }

    public static PersonalizationJob fromFiles(NudgeConfig replayConfig, List<java.nio.file.Path> files) {
        Path[] paths = files.stream().map(file -> new Path(file.toUri())).toArray(Path[]::new);
        return job(replayConfig, FileSource.forRecordStreamFormat(new AvroEventFormat(), paths).build());
    }

    /** Events whose Kafka timestamps (their event times) lie in [from, until). */
    public static PersonalizationJob fromKafka(NudgeConfig replayConfig, Instant from, Instant until) {
        return job(replayConfig, kafkaRange(replayConfig, from, until));
    }

    /**
     * As {@link #fromKafka}, with the item catalogue as it is now joined to the customers' views and carts as the
     * live job does (benchmarks measure that work): history itself did not meet these items' changes.
     */
    public static PersonalizationJob fromKafkaWithCatalogue(NudgeConfig replayConfig, Instant from, Instant until) {
        return new PersonalizationJob(kafkaRange(replayConfig, from, until), KafkaEndpoints.rulesAndOffersSource(replayConfig, true),
                rulesAndOffersNow(replayConfig), KafkaEndpoints.itemsSource(replayConfig, true), null, KafkaEndpoints.sinks(replayConfig), replayConfig);
    }

    /** The events topic between two timestamps, decoded and validated as the live job does: a bounded source. */
    public static KafkaSource<SourceRecord> kafkaRange(NudgeConfig config, Instant from, Instant until) {
        return KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.get(NudgeConfig.TOPIC_EVENTS))
                .setGroupId(config.get(NudgeConfig.JOB_CONSUMER_GROUP))
                .setStartingOffsets(OffsetsInitializer.timestamp(from.toEpochMilli()))
                .setBounded(OffsetsInitializer.timestamp(until.toEpochMilli()))
                .setDeserializer(new EventRecordDeserializer())
                .build();
    }

    private static PersonalizationJob job(NudgeConfig replayConfig, Source<SourceRecord, ?, ?> events) {
        return new PersonalizationJob(events, KafkaEndpoints.rulesAndOffersSource(replayConfig, true), rulesAndOffersNow(replayConfig),
                null, null, KafkaEndpoints.sinks(replayConfig), replayConfig);
    }

    /** Rules, offers, segments, experiments and forgotten ids as the compacted topics hold them now: latest record per key, deletions applied. */
    static RulesAndOffers.Snapshot rulesAndOffersNow(NudgeConfig config) {
        Map<String, TriggerRule> rules = new HashMap<>();
        Map<String, Offer> offers = new HashMap<>();
        Map<String, SegmentDefinition> segments = new HashMap<>();
        Map<String, ExperimentDefinition> experiments = new HashMap<>();
        Set<String> forgotten = new HashSet<>();
        String forgottenTopic = config.get(NudgeConfig.TOPIC_FORGOTTEN);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        String rulesTopic = config.get(NudgeConfig.TOPIC_RULES);
        String segmentsTopic = config.get(NudgeConfig.TOPIC_SEGMENTS);
        String experimentsTopic = config.get(NudgeConfig.TOPIC_EXPERIMENTS);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(rulesTopic, config.get(NudgeConfig.TOPIC_OFFERS), segmentsTopic, experimentsTopic, forgottenTopic)) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String key = new String(record.key(), StandardCharsets.UTF_8);
                    boolean isRule = record.topic().equals(rulesTopic);
                    if (record.topic().equals(forgottenTopic)) {
                        forgotten.add(key);
                    } else if (record.topic().equals(experimentsTopic)) {
                        if (record.value() == null) {
                            experiments.remove(key);
                        } else {
                            experiments.put(key, Codecs.EXPERIMENTS.decode(record.value()));
                        }
                    } else if (record.topic().equals(segmentsTopic)) {
                        if (record.value() == null) {
                            segments.remove(key);
                        } else {
                            segments.put(key, Codecs.SEGMENTS.decode(record.value()));
                        }
                    } else if (record.value() == null) {
                        (isRule ? rules : offers).remove(key);
                    } else if (isRule) {
                        rules.put(key, Codecs.RULES.decode(record.value()));
                    } else {
                        offers.put(key, Codecs.OFFERS.decode(record.value()));
                    }
                }
            }
        } catch (UndecodableMessageException e) {
            throw new IllegalStateException("cannot read the rules, offers, segments and experiments for the replay: " + e.getMessage(), e);
        }
        return new RulesAndOffers.Snapshot(rules, offers, segments, experiments, forgotten);
    }
}
