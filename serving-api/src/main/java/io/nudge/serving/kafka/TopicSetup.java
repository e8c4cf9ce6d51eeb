package io.nudge.serving.kafka;

import io.nudge.config.NudgeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** Creates Nudge's topics with the right settings, leaving existing ones alone. */
public final class TopicSetup {

    /** Changelogs: the latest record per key is what readers rebuild; older ones may go. */
    private static final Map<String, String> COMPACTED = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0",
            TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(TimeUnit.HOURS.toMillis(1)));

    private TopicSetup() {}

    /** The topics, compaction where a topic is a changelog that readers rebuild state from. */
    public static List<NewTopic> topics(NudgeConfig config) {
        int partitions = config.get(NudgeConfig.TOPIC_PARTITIONS);
        short replication = config.get(NudgeConfig.TOPIC_REPLICATION).shortValue();
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(config.get(NudgeConfig.TOPIC_EVENTS), partitions, replication));
        topics.add(new NewTopic(config.get(NudgeConfig.TOPIC_EVENTS_DLQ), partitions, replication));
        topics.add(new NewTopic(config.get(NudgeConfig.TOPIC_OUTREACH), partitions, replication));
        topics.add(new NewTopic(config.get(NudgeConfig.TOPIC_OUTREACH_FAILED), partitions, replication));
        topics.add(new NewTopic(config.get(NudgeConfig.TOPIC_OUTREACH_FEEDBACK), partitions, replication));
        topics.add(new NewTopic(config.get(NudgeConfig.TOPIC_SEGMENT_CHANGES), partitions, replication));
        // An experiment's figures are the sum of all its outcomes since it started: none may age out. They name no one.
        topics.add(new NewTopic(config.get(NudgeConfig.TOPIC_EXPERIMENT_OUTCOMES), partitions, replication).configs(Map.of("retention.ms", "-1")));
        // An audit trail must outlive the data it describes: no time-based deletion.
        topics.add(new NewTopic(config.get(NudgeConfig.TOPIC_AUDIT), partitions, replication).configs(Map.of("retention.ms", "-1")));
        for (var changelog : List.of(NudgeConfig.TOPIC_PROFILES, NudgeConfig.TOPIC_ASSOCIATIONS, NudgeConfig.TOPIC_TRENDING,
                NudgeConfig.TOPIC_OFFERS, NudgeConfig.TOPIC_RULES, NudgeConfig.TOPIC_SEGMENTS, NudgeConfig.TOPIC_EXPERIMENTS, NudgeConfig.TOPIC_FORGOTTEN,
                NudgeConfig.TOPIC_ITEMS)) {
            topics.add(new NewTopic(config.get(changelog), partitions, replication).configs(COMPACTED));
        }
        return topics;
    }

    public static void ensureTopics(NudgeConfig config) throws InterruptedException {
        create(config, topics(config));
    }

    /** One more plain topic, with the configured partitions and replication (tools and benchmarks write to these). */
    public static void ensureTopic(NudgeConfig config, String name) throws InterruptedException {
        create(config, List.of(new NewTopic(name, config.get(NudgeConfig.TOPIC_PARTITIONS), config.get(NudgeConfig.TOPIC_REPLICATION).shortValue())));
    }

    private static void create(NudgeConfig config, List<NewTopic> topics) throws InterruptedException {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create topics at " + config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS)
                    + ": " + e.getMessage(), e);
        }
    }
}
