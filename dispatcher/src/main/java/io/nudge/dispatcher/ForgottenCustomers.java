package io.nudge.dispatcher;

import io.nudge.config.NudgeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The customers who asked to be forgotten, from the compacted {@code forgotten} topic: an action the job emitted
 * just before the request is withheld. Read in full before the first delivery, then followed between batches.
 */
final class ForgottenCustomers implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();

    ForgottenCustomers(NudgeConfig config) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(config.get(NudgeConfig.TOPIC_FORGOTTEN)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads up to the end as it is now. */
    void catchUp() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            follow(Duration.ofMillis(200));
        }
    }

    /** Takes what arrived since. */
    void follow(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            if (record.key() != null && record.value() != null) {
                ids.add(new String(record.key(), StandardCharsets.UTF_8));
            }
        }
    }

    boolean contains(String customerId) {
        return ids.contains(customerId);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
