package io.nudge.job.events;

import io.nudge.schemas.DeadLetter;
import io.nudge.schemas.InteractionEvent;
import java.util.Objects;

/**
 * One record read from the events topic: either a valid event, or the dead letter explaining why it is not.
 * A POJO (public fields, no-arg constructor) so that Flink serializes it without Kryo.
 */
public class SourceRecord {
    public InteractionEvent event;
    public DeadLetter deadLetter;
    public String topic;
    public int partition;
    public long offset;

    public SourceRecord() {}

    static SourceRecord valid(InteractionEvent event, String topic, int partition, long offset) {
        SourceRecord record = new SourceRecord();
        record.event = event;
        record.topic = topic;
        record.partition = partition;
        record.offset = offset;
        return record;
    }

    static SourceRecord rejected(DeadLetter deadLetter) {
        SourceRecord record = new SourceRecord();
        record.deadLetter = deadLetter;
        record.topic = deadLetter.getSourceTopic();
        record.partition = deadLetter.getSourcePartition();
        record.offset = deadLetter.getSourceOffset();
        return record;
    }

    public boolean isValid() {
        return event != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceRecord other && Objects.equals(event, other.event)
                && Objects.equals(deadLetter, other.deadLetter) && Objects.equals(topic, other.topic)
                && partition == other.partition && offset == other.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, deadLetter, topic, partition, offset);
    }
}
