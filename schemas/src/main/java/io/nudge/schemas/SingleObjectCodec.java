package io.nudge.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (a two-byte marker, the writer schema's 64-bit fingerprint, then the binary datum)
 * for one generated record type. Schemas evolve without a registry: the decoder resolves every released writer
 * schema listed in {@code history/index.txt} against the current one.
 *
 * <p>Release order for a schema change: add the new version to the history and deploy readers first, then writers.
 * A message whose fingerprint a reader does not know is rejected, not guessed at.
 *
 * <p>Instances are thread-safe.
 */
public final class SingleObjectCodec<T extends SpecificRecord> {

    private static final String HISTORY_INDEX = "history/index.txt";

    /**
     * Hand-written Avro binary of one schema version, for records on a hot path; it must write exactly the bytes
     * Avro's own writer does.
     */
    interface DatumCoder<T> {
        /** The parsing fingerprint of the schema it was written for: used only while that is the current one. */
        long schemaFingerprint();

        void write(T record, Encoder out) throws IOException;

        T read(Decoder in) throws IOException;
    }

    private static final int HEADER_LENGTH = 10;
    private static final ThreadLocal<ByteArrayOutputStream> BUFFERS = ThreadLocal.withInitial(() -> new ByteArrayOutputStream(4096));
    private static final ThreadLocal<BinaryEncoder> ENCODERS = new ThreadLocal<>();
    private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final DatumCoder<T> coder;
    private final byte[] header;

    private SingleObjectCodec(Class<T> type, Iterable<Schema> writerSchemas, DatumCoder<T> coder) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        Schema current = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, current);
        this.decoder = new BinaryMessageDecoder<>(model, current);
        for (Schema writer : writerSchemas) {
            decoder.addSchema(writer);
        }
        long fingerprint = fingerprint(current);
        this.coder = coder != null && coder.schemaFingerprint() == fingerprint ? coder : null;
        this.header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xC3).put((byte) 0x01).putLong(fingerprint).array();
    }

    /** A codec of {@code type} that encodes, and decodes the current version, with {@code coder}. */
    static <T extends SpecificRecord> SingleObjectCodec<T> forType(Class<T> type, DatumCoder<T> coder) {
        return new SingleObjectCodec<>(type, releasedSchemas(type), coder);
    }

    /** Whether records are encoded by a hand-written coder rather than by Avro's generic writer. */
    boolean usesOwnCoder() {
        return coder != null;
    }

    /** A codec that reads every released version of {@code type}'s schema. */
    public static <T extends SpecificRecord> SingleObjectCodec<T> forType(Class<T> type) {
        return new SingleObjectCodec<>(type, releasedSchemas(type), null);
    }

    /** A codec that also reads the given writer schemas, for tools and tests that meet unreleased versions. */
    public static <T extends SpecificRecord> SingleObjectCodec<T> forType(Class<T> type, List<Schema> extraWriterSchemas) {
        List<Schema> all = new ArrayList<>(releasedSchemas(type));
        all.addAll(extraWriterSchemas);
        return new SingleObjectCodec<>(type, all, null);
    }

    public byte[] encode(T record) {
        if (coder != null) {
            return encodeWithCoder(record);
        }
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
            throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * @throws UndecodableMessageException with a reason fit for a dead-letter record
     */
    public T decode(byte[] message) throws UndecodableMessageException {
        if (message == null || message.length == 0) {
            throw new UndecodableMessageException("empty message");
        }
        if (coder != null && message.length >= HEADER_LENGTH && Arrays.equals(message, 0, HEADER_LENGTH, header, 0, HEADER_LENGTH)) {
            return decodeWithCoder(message);
        }
        try {
            return decoder.decode(message);
        } catch (MissingSchemaException e) {
            throw new UndecodableMessageException("unknown writer schema (" + e.getMessage()
                    + "); a writer is ahead of this reader's schema history", e);
        } catch (BadHeaderException e) {
            throw new UndecodableMessageException("not Avro single-object encoded: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableMessageException("corrupt " + type.getSimpleName() + " datum: " + e, e);
        }
    }

    private byte[] encodeWithCoder(T record) {
        ByteArrayOutputStream buffer = BUFFERS.get();
        buffer.reset();
        buffer.writeBytes(header);
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(buffer, ENCODERS.get());
        ENCODERS.set(out);
        try {
            coder.write(record, out);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e, e);
        }
        return buffer.toByteArray();
    }

    /**
     * A decoder positioned on the datum of {@code message} if it was written with the current schema (so its fields
     * are where the hand-written coder expects them), else null.
     */
    BinaryDecoder currentDatum(byte[] message) {
        if (coder == null || message == null || message.length < HEADER_LENGTH || !Arrays.equals(message, 0, HEADER_LENGTH, header, 0, HEADER_LENGTH)) {
            return null;
        }
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(message, HEADER_LENGTH, message.length - HEADER_LENGTH, DECODERS.get());
        DECODERS.set(in);
        return in;
    }

    private T decodeWithCoder(byte[] message) throws UndecodableMessageException {
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(message, HEADER_LENGTH, message.length - HEADER_LENGTH, DECODERS.get());
        DECODERS.set(in);
        try {
            return coder.read(in);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableMessageException("corrupt " + type.getSimpleName() + " datum: " + e, e);
        }
    }

    /** The released schema versions of {@code type}, oldest first, as listed in the history index. */
    public static List<Schema> releasedSchemas(Class<? extends SpecificRecord> type) {
        String prefix = type.getSimpleName() + "/";
        List<Schema> schemas = new ArrayList<>();
        for (String entry : readResource(HISTORY_INDEX).split("\n")) {
            String path = entry.strip();
            if (path.startsWith(prefix)) {
                schemas.add(new Schema.Parser().parse(readResource("history/" + path)));
            }
        }
        return schemas;
    }

    /** The 64-bit Rabin fingerprint of a schema's parsing canonical form, as written in each message header. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static String readResource(String name) {
        try (InputStream in = SingleObjectCodec.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource io/nudge/schemas/" + name);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
