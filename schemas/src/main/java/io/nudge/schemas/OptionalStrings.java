package io.nudge.schemas;

import java.io.IOException;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;

/** The pieces of Avro binary the hand-written coders share: a {@code ["null", "string"]} union, as Avro writes it. */
final class OptionalStrings {
    private OptionalStrings() {}

    static void write(String value, Encoder out) throws IOException {
        if (value == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeString(value);
        }
    }

    static String read(Decoder in) throws IOException {
        if (in.readIndex() == 1) {
            return in.readString();
        }
        in.readNull();
        return null;
    }
}
