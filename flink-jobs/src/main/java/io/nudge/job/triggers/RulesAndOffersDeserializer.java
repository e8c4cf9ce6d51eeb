package io.nudge.job.triggers;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.UndecodableMessageException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the rules, offers, segments and experiments topics into {@link RulesAndOffersChange}s; a record it cannot read is logged and skipped. */
public final class RulesAndOffersDeserializer implements KafkaRecordDeserializationSchema<RulesAndOffersChange> {

    private static final Logger LOG = LoggerFactory.getLogger(RulesAndOffersDeserializer.class);

    private final String rulesTopic;
    private final String segmentsTopic;
    private final String experimentsTopic;

    public RulesAndOffersDeserializer(String rulesTopic, String segmentsTopic, String experimentsTopic) {
        this.rulesTopic = rulesTopic;
        this.segmentsTopic = segmentsTopic;
        this.experimentsTopic = experimentsTopic;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RulesAndOffersChange> out) {
        if (record.key() == null) {
            LOG.warn("Skipping a record without key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        try {
            if (record.topic().equals(rulesTopic)) {
                out.collect(RulesAndOffersChange.rule(key, record.value() == null ? null : Codecs.RULES.decode(record.value())));
            } else if (record.topic().equals(experimentsTopic)) {
                out.collect(RulesAndOffersChange.experiment(key, record.value() == null ? null : Codecs.EXPERIMENTS.decode(record.value())));
            } else if (record.topic().equals(segmentsTopic)) {
                out.collect(RulesAndOffersChange.segment(key, record.value() == null ? null : Codecs.SEGMENTS.decode(record.value())));
            } else {
                out.collect(RulesAndOffersChange.offer(key, record.value() == null ? null : Codecs.OFFERS.decode(record.value())));
            }
        } catch (UndecodableMessageException e) {
            LOG.warn("Skipping an undecodable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public TypeInformation<RulesAndOffersChange> getProducedType() {
        return TypeInformation.of(RulesAndOffersChange.class);
    }
}
