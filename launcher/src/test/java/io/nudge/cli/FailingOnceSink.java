package io.nudge.cli;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that fails its task once, with an exception after {@code after} records, as a bug or a lost machine
 * would; Flink then restarts the job from its latest checkpoint, and from then on records pass through to the
 * wrapped sink. For sinks without a commit step (the at-least-once changelogs). One failure per JVM.
 */
final class FailingOnceSink<T> implements Sink<T> {

    /** When the failure was thrown (System.nanoTime), 0 before. Static: it must survive the restart. */
    static final AtomicLong FAILED_AT = new AtomicLong();

    private final Sink<T> delegate;
    private final int after;

    FailingOnceSink(Sink<T> delegate, int after) {
        this.delegate = delegate;
        this.after = after;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        SinkWriter<T> writer = delegate.createWriter(context);
        return new SinkWriter<>() {
            private int written;

            @Override
            public void write(T element, Context elementContext) throws IOException, InterruptedException {
                if (++written > after && FAILED_AT.compareAndSet(0, System.nanoTime())) {
                    throw new IOException("injected task failure after " + after + " records");
                }
                writer.write(element, elementContext);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException, InterruptedException {
                writer.flush(endOfInput);
            }

            @Override
            public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
                writer.writeWatermark(watermark);
            }

            @Override
            public void close() throws Exception {
                writer.close();
            }
        };
    }
}
