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
    static final long SCHEMA_FINGERPRINT = 0xf2ca817d9746b4d4L;

    private static final EventType[] TYPES = EventType.values();
    private static final Channel[] CHANNELS = Channel.values();

    @Override
    public long schemaFingerprint() {
        return SCHEMA_FINGERPRINT;
    }

    @Override
    public void write(InteractionEvent e, Encoder out) throws IOException {
        out.writeString(e.getEventId());
        OptionalStrings.write(e.getCustomerId(), out);
        OptionalStrings.write(e.getAnonymousId(), out);
        OptionalStrings.write(e.getSessionId(), out);
        out.writeEnum(e.getType().ordinal());
        out.writeLong(e.getEventTime().toEpochMilli());
        OptionalStrings.write(e.getItemId(), out);
        OptionalStrings.write(e.getCategory(), out);
        if (e.getPrice() == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeDouble(e.getPrice());
        }
        OptionalStrings.write(e.getCurrency(), out);
        if (e.getQuantity() == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeInt(e.getQuantity());
        }
        OptionalStrings.write(e.getOfferId(), out);
        if (e.getChannel() == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeEnum(e.getChannel().ordinal());
        }
        OptionalStrings.write(e.getPage(), out);
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
        e.setCustomerId(OptionalStrings.read(in));
        e.setAnonymousId(OptionalStrings.read(in));
        e.setSessionId(OptionalStrings.read(in));
        e.setType(TYPES[in.readEnum()]);
        e.setEventTime(Instant.ofEpochMilli(in.readLong()));
        e.setItemId(OptionalStrings.read(in));
        e.setCategory(OptionalStrings.read(in));
        if (in.readIndex() == 1) {
            e.setPrice(in.readDouble());
        } else {
            in.readNull();
        }
        e.setCurrency(OptionalStrings.read(in));
        if (in.readIndex() == 1) {
            e.setQuantity(in.readInt());
        } else {
            in.readNull();
        }
        e.setOfferId(OptionalStrings.read(in));
        if (in.readIndex() == 1) {
            e.setChannel(CHANNELS[in.readEnum()]);
        } else {
            in.readNull();
        }
        e.setPage(OptionalStrings.read(in));
        Map<String, String> attributes = new HashMap<>();
        for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
            for (long i = 0; i < n; i++) {
                attributes.put(in.readString(), in.readString());
            }
        }
        e.setAttributes(attributes);
        return e;
    }
}
