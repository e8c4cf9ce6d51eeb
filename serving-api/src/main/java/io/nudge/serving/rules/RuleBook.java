package io.nudge.serving.rules;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.TriggerRule;
import io.nudge.schemas.UndecodableMessageException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trigger rules as the API knows them, materialised from the compacted rules topic: per rule the latest
 * record, and every version read since start (compaction keeps only the latest in the topic).
 */
public final class RuleBook {

    private static final Comparator<TriggerRule> NEWER = Comparator.comparing(TriggerRule::getVersion).thenComparing(TriggerRule::getUpdatedAt);

    private final Map<String, TriggerRule> current = new ConcurrentHashMap<>();
    private final Map<String, List<TriggerRule>> history = new ConcurrentHashMap<>();

    public void apply(String ruleId, byte[] value) throws UndecodableMessageException {
        if (value == null) {
            current.remove(ruleId);
            return;
        }
        upsert(Codecs.RULES.decode(value));
    }

    /** Keeps {@code rule} unless a newer record (higher version, or same version updated later) is known. */
    public synchronized void upsert(TriggerRule rule) {
        current.merge(rule.getRuleId(), rule, (known, candidate) -> NEWER.compare(candidate, known) > 0 ? candidate : known);
        List<TriggerRule> versions = history.computeIfAbsent(rule.getRuleId(), id -> new ArrayList<>());
        if (versions.stream().noneMatch(v -> v.getVersion() == rule.getVersion() && v.getUpdatedAt().equals(rule.getUpdatedAt()))) {
            versions.add(rule);
            versions.sort(NEWER);
        }
    }

    public void remove(String ruleId) {
        current.remove(ruleId);
    }

    public Optional<TriggerRule> get(String ruleId) {
        return Optional.ofNullable(current.get(ruleId));
    }

    public List<TriggerRule> rules() {
        return current.values().stream().sorted(Comparator.comparing(TriggerRule::getRuleId)).toList();
    }

    public synchronized List<TriggerRule> versions(String ruleId) {
        return List.copyOf(history.getOrDefault(ruleId, List.of()));
    }
}
