package io.nudge.job;

import io.nudge.config.NudgeConfig;
import io.nudge.job.catalogue.ItemsDeserializer;
import io.nudge.job.profile.ProfileInput;
import io.nudge.job.triggers.ContactOutcomesDeserializer;
import io.nudge.schemas.Item;
import io.nudge.events.ProfileKeys;
import io.nudge.job.events.EventRecordDeserializer;
import io.nudge.job.events.SourceRecord;
import io.nudge.job.profile.ProfileChange;
import io.nudge.job.triggers.RulesAndOffersChange;
import io.nudge.job.triggers.RulesAndOffersDeserializer;
import io.nudge.schemas.DeadLetter;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.ItemAssociations;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.ExperimentOutcome;
import io.nudge.schemas.SegmentMembership;
import io.nudge.schemas.Trending;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The job's Kafka source and sinks, configured from {@link NudgeConfig}. */
public final class KafkaEndpoints {
    private KafkaEndpoints() {}

    /** Resumes from the group's committed offsets (committed on each checkpoint), else from the beginning. */
    @SuppressWarnings("deprecation") // OffsetResetStrategy is what the connector's API still takes
    public static KafkaSource<SourceRecord> eventSource(NudgeConfig config) {
        return KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.get(NudgeConfig.TOPIC_EVENTS))
                .setGroupId(config.get(NudgeConfig.JOB_CONSUMER_GROUP))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new EventRecordDeserializer())
                .setProperty("partition.discovery.interval.ms", "30000")
                .build();
    }

    /**
     * Trigger rules and offers, always from the beginning of their compacted topics: the job needs them all.
     * On a restore the checkpointed offsets and broadcast state take over.
     */
    public static KafkaSource<RulesAndOffersChange> rulesAndOffersSource(NudgeConfig config) {
        return rulesAndOffersSource(config, false);
    }

    /** @param bounded read the rules and offers as they are now, then stop (for replays) */
    public static KafkaSource<RulesAndOffersChange> rulesAndOffersSource(NudgeConfig config, boolean bounded) {
        var builder = KafkaSource.<RulesAndOffersChange>builder()
                .setBootstrapServers(config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.get(NudgeConfig.TOPIC_RULES), config.get(NudgeConfig.TOPIC_OFFERS), config.get(NudgeConfig.TOPIC_SEGMENTS),
                        config.get(NudgeConfig.TOPIC_EXPERIMENTS))
                .setGroupId(config.get(NudgeConfig.JOB_CONSUMER_GROUP) + "-catalogue")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RulesAndOffersDeserializer(config.get(NudgeConfig.TOPIC_RULES), config.get(NudgeConfig.TOPIC_SEGMENTS),
                        config.get(NudgeConfig.TOPIC_EXPERIMENTS)));
        return bounded ? builder.setBounded(OffsetsInitializer.latest()).build()
                : builder.setProperty("partition.discovery.interval.ms", "30000").build();
    }

    /** The item catalogue, read in full from the start and then followed. */
    public static KafkaSource<Item> itemsSource(NudgeConfig config) {
        return itemsSource(config, false);
    }

    /** @param bounded read the catalogue as it is now, then stop */
    public static KafkaSource<Item> itemsSource(NudgeConfig config, boolean bounded) {
        var builder = KafkaSource.<Item>builder()
                .setBootstrapServers(config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.get(NudgeConfig.TOPIC_ITEMS))
                .setGroupId(config.get(NudgeConfig.JOB_CONSUMER_GROUP) + "-items")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ItemsDeserializer());
        return bounded ? builder.setBounded(OffsetsInitializer.latest()).build()
                : builder.setProperty("partition.discovery.interval.ms", "30000").build();
    }

    /** What became of decided messages (the dispatcher's failures, the providers' reports), followed from the start. */
    public static KafkaSource<ProfileInput> contactOutcomesSource(NudgeConfig config) {
        return KafkaSource.<ProfileInput>builder()
                .setBootstrapServers(config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.get(NudgeConfig.TOPIC_OUTREACH_FAILED), config.get(NudgeConfig.TOPIC_OUTREACH_FEEDBACK))
                .setGroupId(config.get(NudgeConfig.JOB_CONSUMER_GROUP) + "-contact-outcomes")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ContactOutcomesDeserializer(config.get(NudgeConfig.TOPIC_OUTREACH_FAILED)))
                .setProperty("partition.discovery.interval.ms", "30000")
                .build();
    }

    /** All the job's Kafka outputs, on the topics named in {@code config}. */
    public static PersonalizationJob.Sinks sinks(NudgeConfig config) {
        return new PersonalizationJob.Sinks(profileSink(config), associationsSink(config), trendingSink(config), outreachSink(config),
                segmentChangesSink(config), experimentOutcomesSink(config), deadLetterSink(config));
    }

    /**
     * Exactly once: an outreach action reaches a customer's phone or inbox, so it must be neither lost nor
     * repeated across failures. Written in Kafka transactions committed with each checkpoint; consumers read
     * with {@code isolation.level=read_committed}, so an action's delay is bounded by the checkpoint interval.
     */
    public static KafkaSink<OutreachAction> outreachSink(NudgeConfig config) {
        return exactlyOnce(config, "-outreach", AvroRecordSerializer.records(config.get(NudgeConfig.TOPIC_OUTREACH), OutreachAction.class,
                OutreachAction::getCustomerId, action -> action.getDecidedAt().toEpochMilli()));
    }

    /**
     * Exactly once, like outreach: a segment's live count adds up its members' enter and exit records, so a
     * repeated or lost one would skew it for good.
     */
    public static KafkaSink<SegmentMembership> segmentChangesSink(NudgeConfig config) {
        return exactlyOnce(config, "-segment-changes", AvroRecordSerializer.records(config.get(NudgeConfig.TOPIC_SEGMENT_CHANGES),
                SegmentMembership.class, SegmentMembership::getCustomerId, change -> change.getAt().toEpochMilli()));
    }

    /** Exactly once, like segment changes: an experiment's figures are the sum of its outcomes. */
    public static KafkaSink<ExperimentOutcome> experimentOutcomesSink(NudgeConfig config) {
        return exactlyOnce(config, "-experiment-outcomes", AvroRecordSerializer.records(config.get(NudgeConfig.TOPIC_EXPERIMENT_OUTCOMES),
                ExperimentOutcome.class, ExperimentOutcome::getExperimentId, outcome -> outcome.getAt().toEpochMilli()));
    }

    /** In Kafka transactions committed with each checkpoint, under transactional ids of the job's own. */
    private static <T> KafkaSink<T> exactlyOnce(NudgeConfig config, String transactionalSuffix,
                                                 KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(NudgeConfig.JOB_CONSUMER_GROUP) + transactionalSuffix)
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(Duration.ofMinutes(10).toMillis()))
                .build();
    }

    /**
     * At least once, by design: every profile record carries its sequence number and readers keep the highest,
     * so a record written twice after a restore is harmless, while a transactional sink would hide every update
     * from read_committed readers until the next checkpoint (see README, "Freshness versus exactly-once").
     */
    public static KafkaSink<ProfileChange> profileSink(NudgeConfig config) {
        return changelogSink(config, new EncodedProfiles(config.get(NudgeConfig.TOPIC_PROFILES)));
    }

    /** Profile changes arrive encoded (see {@link ProfileChange}); a deletion becomes a tombstone. */
    private record EncodedProfiles(String topic) implements KafkaRecordSerializationSchema<ProfileChange> {
        @Override
        public ProducerRecord<byte[], byte[]> serialize(ProfileChange change, KafkaSinkContext context, Long ignored) {
            return new ProducerRecord<>(topic, null, change.isDeletion() ? null : change.timestamp,
                    change.key.getBytes(StandardCharsets.UTF_8), change.encoded);
        }
    }

    /** At least once, like profiles: each record carries the item's sequence number. */
    public static KafkaSink<ItemAssociations> associationsSink(NudgeConfig config) {
        return changelogSink(config, AvroRecordSerializer.records(config.get(NudgeConfig.TOPIC_ASSOCIATIONS), ItemAssociations.class,
                ItemAssociations::getItemId, associations -> associations.getAsOf().toEpochMilli()));
    }

    /** At least once: a window's record written twice is the same record. */
    public static KafkaSink<Trending> trendingSink(NudgeConfig config) {
        return changelogSink(config, AvroRecordSerializer.records(config.get(NudgeConfig.TOPIC_TRENDING), Trending.class,
                Trending::getScope, trending -> trending.getWindowEnd().toEpochMilli()));
    }

    /** Events as they are, to {@code topic}, with the changelog sinks' settings: the pipeline benchmark's pass-through output. */
    public static KafkaSink<InteractionEvent> eventCopySink(NudgeConfig config, String topic) {
        return changelogSink(config, AvroRecordSerializer.records(topic, InteractionEvent.class, ProfileKeys::of,
                event -> event.getEventTime().toEpochMilli()));
    }

    private static <T> KafkaSink<T> changelogSink(NudgeConfig config, KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setProperty(ProducerConfig.LINGER_MS_CONFIG, "10")
                .setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .setProperty(ProducerConfig.ACKS_CONFIG, "all")
                .build();
    }

    /** Keyed by source position, so a dead letter written twice after a restore is recognisable as one. */
    public static KafkaSink<DeadLetter> deadLetterSink(NudgeConfig config) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS))
                .setRecordSerializer(AvroRecordSerializer.records(config.get(NudgeConfig.TOPIC_EVENTS_DLQ), DeadLetter.class,
                        letter -> letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/" + letter.getSourceOffset(),
                        letter -> letter.getRejectedAt().toEpochMilli()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .setProperty(ProducerConfig.ACKS_CONFIG, "all")
                .build();
    }
}
