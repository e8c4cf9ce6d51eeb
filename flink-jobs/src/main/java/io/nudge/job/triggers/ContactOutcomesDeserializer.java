package io.nudge.job.triggers;

import io.nudge.delivery.ContactOutcome;
import io.nudge.job.profile.ProfileInput;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.UndecodableMessageException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what became of decided messages — the dispatcher's failures ({@code outreach-failed}) and the providers'
 * reports ({@code outreach-feedback}) — as inputs of the customers' profiles; a record it cannot read is logged and
 * skipped.
 */
public final class ContactOutcomesDeserializer implements KafkaRecordDeserializationSchema<ProfileInput> {

    private static final Logger LOG = LoggerFactory.getLogger(ContactOutcomesDeserializer.class);

    private final String failedTopic;

    public ContactOutcomesDeserializer(String failedTopic) {
        this.failedTopic = failedTopic;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ProfileInput> out) {
        if (record.value() == null) {
            return;
        }
        try {
            ContactOutcome outcome = record.topic().equals(failedTopic) ? ContactOutcome.of(Codecs.FAILED_OUTREACH.decode(record.value()))
                    : ContactOutcome.of(Codecs.FEEDBACK.decode(record.value()));
            out.collect(ProfileInput.contactOutcome(outcome));
        } catch (UndecodableMessageException e) {
            LOG.warn("Skipping an undecodable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public TypeInformation<ProfileInput> getProducedType() {
        return TypeInformation.of(ProfileInput.class);
    }
}
