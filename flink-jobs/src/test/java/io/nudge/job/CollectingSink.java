package io.nudge.job;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that keeps what it is given, for a test to read after the job: a copy of each record (the job reuses
 * objects), in a list shared by every parallel writer in this JVM, under the sink's name.
 */
final class CollectingSink<T, C> implements Sink<T> {

    private static final Map<String, List<Object>> COLLECTED = new ConcurrentHashMap<>();

    private final String name;
    private final MapFunction<T, C> copy;

    /** @param copy makes the kept copy of a record (the job may change a record once the sink has it) */
    CollectingSink(String name, MapFunction<T, C> copy) {
        this.name = name;
        this.copy = copy;
        COLLECTED.put(name, new CopyOnWriteArrayList<>());
    }

    @SuppressWarnings("unchecked")
    List<C> collected() {
        return (List<C>) (List<?>) List.copyOf(COLLECTED.get(name));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> into = COLLECTED.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context elementContext) throws IOException {
                try {
                    into.add(copy.map(element));
                } catch (Exception e) {
                    throw new IOException("could not copy " + element, e);
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
