package io.nudge.job.serialization;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.SingleObjectCodec;
import io.nudge.schemas.UndecodableMessageException;
import java.io.IOException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of one Avro record type as its single-object encoding (the record's codec in {@link Codecs}):
 * hand-written coders make it several times cheaper than Flink's generic Avro serializer between tasks, and the
 * writer's fingerprint travels with every record, so records kept in state read back after the schema changed.
 *
 * @param <T> the record type
 */
public final class SingleObjectSerializer<T extends SpecificRecord> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private transient SingleObjectCodec<T> codec;

    public SingleObjectSerializer(Class<T> type) {
        this.type = type;
    }

    private SingleObjectCodec<T> codec() {
        if (codec == null) {
            codec = Codecs.of(type);
        }
        return codec;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return this; // stateless: the codec is thread-safe
    }

    @Override
    public T createInstance() {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public T copy(T from) {
        return from == null ? null : decode(codec().encode(from));
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        byte[] bytes = codec().encode(record);
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        return decode(bytes);
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    private T decode(byte[] bytes) {
        try {
            return codec().decode(bytes);
        } catch (UndecodableMessageException e) {
            throw new IllegalStateException(type.getSimpleName() + " does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SingleObjectSerializer<?> other && type.equals(other.type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(type);
    }

    /** The record type; what a restored serializer needs. */
    public static final class Snapshot<T extends SpecificRecord> implements TypeSerializerSnapshot<T> {
        private Class<T> type;

        public Snapshot() {}

        Snapshot(Class<T> type) {
            this.type = type;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(type.getName());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            try {
                type = (Class<T>) Class.forName(in.readUTF(), false, classLoader);
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return new SingleObjectSerializer<>(type);
        }

        /** Values written by another serializer of the type (Flink's Avro one, in earlier releases) are migrated. */
        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
            return old instanceof Snapshot<T> same && same.type.equals(type)
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs() : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
    }
}
