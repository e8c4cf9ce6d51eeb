package io.nudge.traffic;

import io.nudge.schemas.InteractionEvent;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * An Avro container file of events, as the archiver writes them (deflate-compressed, the writer schema in the
 * header): readable by {@code ./nudge replay --avro}, {@code ./nudge backtest --avro} and the standard Avro tools.
 */
public final class EventFile implements AutoCloseable {

    private final DataFileWriter<InteractionEvent> writer = new DataFileWriter<>(new SpecificDatumWriter<>(InteractionEvent.class));
    private long written;

    private EventFile(Path file) throws IOException {
        writer.setCodec(CodecFactory.deflateCodec(6));
        writer.create(InteractionEvent.SCHEMA$, file.toFile());
    }

    public static EventFile create(Path file) throws IOException {
        return new EventFile(file);
    }

    public void append(InteractionEvent event) throws IOException {
        writer.append(event);
        written++;
    }

    public long written() {
        return written;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
