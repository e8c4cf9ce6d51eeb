package io.nudge.serving.store;

import io.nudge.schemas.SingleObjectCodec;
import io.nudge.schemas.UndecodableMessageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.avro.specific.SpecificRecord;

/**
 * Documents marketers edit in versions (rules, segments, experiments) as the API knows them, materialised from their compacted
 * topic: per id the latest record, and every version read since start (compaction keeps only the latest in the topic).
 */
public class VersionedDocuments<T extends SpecificRecord> implements ChangelogReader.Handler {

    private final SingleObjectCodec<T> codec;
    private final Function<T, String> id;
    private final Comparator<T> newer;
    private final Map<String, T> current = new ConcurrentHashMap<>();
    private final Map<String, List<T>> history = new ConcurrentHashMap<>();

    protected VersionedDocuments(SingleObjectCodec<T> codec, Function<T, String> id, ToIntFunction<T> version, Function<T, Instant> updatedAt) {
        this.codec = codec;
        this.id = id;
        this.newer = Comparator.comparingInt(version).thenComparing(updatedAt);
    }

    @Override
    public void apply(String key, byte[] value) throws UndecodableMessageException {
        if (value == null) {
            current.remove(key);
            changed();
            return;
        }
        upsert(codec.decode(value));
    }

    /** Keeps {@code document} unless a newer record (higher version, or same version updated later) is known. */
    public synchronized void upsert(T document) {
        current.merge(id.apply(document), document, (known, candidate) -> newer.compare(candidate, known) > 0 ? candidate : known);
        List<T> versions = history.computeIfAbsent(id.apply(document), key -> new ArrayList<>());
        if (versions.stream().noneMatch(v -> newer.compare(v, document) == 0)) {
            versions.add(document);
            versions.sort(newer);
        }
        changed();
    }

    public void remove(String documentId) {
        current.remove(documentId);
        changed();
    }

    /** Called after every change of the current documents. */
    protected void changed() {}

    public Optional<T> get(String documentId) {
        return Optional.ofNullable(current.get(documentId));
    }

    /** The current documents, by id. */
    public List<T> all() {
        return current.values().stream().sorted(Comparator.comparing(id)).toList();
    }

    public synchronized List<T> versions(String documentId) {
        return List.copyOf(history.getOrDefault(documentId, List.of()));
    }
}
