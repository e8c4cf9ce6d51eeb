package io.nudge.schemas;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;

/**
 * Avro binary of the current {@link InteractionEvent} schema, field by field: every event is decoded once from
 * Kafka and encoded again each time it crosses between the job's tasks or waits in state. The bytes are exactly
 * what Avro writes (a randomized test compares them); see {@link CustomerProfileCoder} for the rules.
 */
final class InteractionEventCoder implements SingleObjectCodec.DatumCoder<InteractionEvent> {

    /** The parsing fingerprint of the schema this class reads and writes. */
    static final long SCHEMA_FINGERPRINT = 0xcece2f7ee0776e7fL;

    private static final EventType[] TYPES = EventType.values();
    private static final Channel[] CHANNELS = Channel.values();

    @Override
    public long schemaFingerprint() {
        return SCHEMA_FINGERPRINT;
    }

    @Override
    public void write(InteractionEvent e, Encoder out) throws IOException {
        out.writeString(e.getEventId());
        writeOptional(e.getCustomerId(), out);
        writeOptional(e.getAnonymousId(), out);
        writeOptional(e.getSessionId(), out);
        out.writeEnum(e.getType().ordinal());
        out.writeLong(e.getEventTime().toEpochMilli());
        writeOptional(e.getItemId(), out);
        writeOptional(e.getCategory(), out);
        if (e.getPrice() == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeDouble(e.getPrice());
        }
        writeOptional(e.getCurrency(), out);
        if (e.getQuantity() == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeInt(e.getQuantity());
        }
        writeOptional(e.getOfferId(), out);
        if (e.getChannel() == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeEnum(e.getChannel().ordinal());
        }
        writeOptional(e.getPage(), out);
        Map<String, String> attributes = e.getAttributes();
        out.writeMapStart();
        out.setItemCount(attributes.size());
        for (Map.Entry<String, String> entry : attributes.entrySet()) {
            out.startItem();
            out.writeString(entry.getKey());
            out.writeString(entry.getValue());
        }
        out.writeMapEnd();
    }

    @Override
    public InteractionEvent read(Decoder in) throws IOException {
        InteractionEvent e = new InteractionEvent();
        e.setEventId(in.readString());
        e.setCustomerId(readOptional(in));
        e.setAnonymousId(readOptional(in));
        e.setSessionId(readOptional(in));
        e.setType(TYPES[in.readEnum()]);
        e.setEventTime(Instant.ofEpochMilli(in.readLong()));
        e.setItemId(readOptional(in));
        e.setCategory(readOptional(in));
        if (in.readIndex() == 1) {
            e.setPrice(in.readDouble());
        } else {
            in.readNull();
        }
        e.setCurrency(readOptional(in));
        if (in.readIndex() == 1) {
            e.setQuantity(in.readInt());
        } else {
            in.readNull();
        }
        e.setOfferId(readOptional(in));
        if (in.readIndex() == 1) {
            e.setChannel(CHANNELS[in.readEnum()]);
        } else {
            in.readNull();
        }
        e.setPage(readOptional(in));
        Map<String, String> attributes = new HashMap<>();
        for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
            for (long i = 0; i < n; i++) {
                attributes.put(in.readString(), in.readString());
            }
        }
        e.setAttributes(attributes);
        return e;
    }

    private static void writeOptional(String value, Encoder out) throws IOException {
        if (value == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeString(value);
        }
    }

    private static String readOptional(Decoder in) throws IOException {
        if (in.readIndex() == 1) {
            return in.readString();
        }
        in.readNull();
        return null;
    }
}
