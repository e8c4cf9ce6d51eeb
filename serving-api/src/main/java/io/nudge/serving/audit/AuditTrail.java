package io.nudge.serving.audit;

import io.nudge.schemas.AuditRecord;
import io.nudge.schemas.Codecs;
import io.nudge.serving.kafka.AcknowledgedWriter;
import java.time.Clock;

/**
 * Records who exported or forgot a customer's data, before it is done: an act whose record Kafka did not take
 * does not happen (the caller gets the writer's {@link AcknowledgedWriter.UnavailableException}, answered 503).
 */
public final class AuditTrail {

    /** What is audited. */
    public enum Action {
        EXPORT, FORGET;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final AcknowledgedWriter writer;
    private final Clock clock;

    public AuditTrail(AcknowledgedWriter writer, Clock clock) {
        this.writer = writer;
        this.clock = clock;
    }

    /** @param detail what the act covered, or null */
    public void record(String actor, Action action, String customerId, String detail) throws AcknowledgedWriter.UnavailableException {
        AuditRecord record = AuditRecord.newBuilder()
                .setAt(clock.instant())
                .setActor(actor)
                .setAction(action.label())
                .setCustomerId(customerId)
                .setDetail(detail)
                .build();
        writer.write(customerId, Codecs.AUDIT.encode(record));
    }
}
