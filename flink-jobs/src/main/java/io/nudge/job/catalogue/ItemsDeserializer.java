package io.nudge.job.catalogue;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.Item;
import io.nudge.schemas.UndecodableMessageException;
import io.nudge.job.serialization.SingleObjectTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the items topic; a tombstone or a record it cannot read is logged and skipped (items are withdrawn, not deleted). */
public final class ItemsDeserializer implements KafkaRecordDeserializationSchema<Item> {

    private static final Logger LOG = LoggerFactory.getLogger(ItemsDeserializer.class);

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Item> out) {
        if (record.value() == null) {
            return;
        }
        try {
            out.collect(Codecs.ITEMS.decode(record.value()));
        } catch (UndecodableMessageException e) {
            LOG.warn("Skipping an undecodable item at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public TypeInformation<Item> getProducedType() {
        return new SingleObjectTypeInfo<>(Item.class);
    }
}
