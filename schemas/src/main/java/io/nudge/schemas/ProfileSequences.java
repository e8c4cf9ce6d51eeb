package io.nudge.schemas;

import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;

/**
 * The sequence number of an encoded profile, which is all a store needs to keep the newest record per customer.
 * The key and the sequence are the first two fields of the current schema, so they are read without decoding the
 * rest (a rebuild reads millions of records and decodes none); a profile of another schema version is decoded.
 */
public final class ProfileSequences {

    private ProfileSequences() {}

    /** @throws UndecodableMessageException if the message is not a profile this reader knows */
    public static long of(byte[] message) throws UndecodableMessageException {
        BinaryDecoder in = Codecs.PROFILES.currentDatum(message);
        if (in == null) {
            return Codecs.PROFILES.decode(message).getSequence();
        }
        try {
            in.skipString();
            return in.readLong();
        } catch (IOException | RuntimeException e) {
            throw new UndecodableMessageException("corrupt CustomerProfile datum: " + e, e);
        }
    }
}
