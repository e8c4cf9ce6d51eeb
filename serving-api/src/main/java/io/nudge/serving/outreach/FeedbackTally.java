package io.nudge.serving.outreach;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.FeedbackKind;
import io.nudge.schemas.OutreachFeedback;
import io.nudge.schemas.UndecodableMessageException;
import io.nudge.serving.store.ChangelogReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What providers reported, counted per rule from the {@code outreach-feedback} topic (which every replica reads
 * whole, so every replica reports the same): delivered, bounced, complained, unsubscribed, opened, clicked. A report
 * a provider sent twice (same action, same kind) counts once.
 */
public final class FeedbackTally implements ChangelogReader.Handler {

    /** One rule's counts. */
    public record RuleFeedback(String ruleId, Map<FeedbackKind, Long> counts) {
        public long count(FeedbackKind kind) {
            return counts.getOrDefault(kind, 0L);
        }
    }

    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<FeedbackKind, Long>> byRule = new TreeMap<>();

    @Override
    public void apply(String key, byte[] value) throws UndecodableMessageException {
        if (value == null) {
            return;
        }
        OutreachFeedback feedback = Codecs.FEEDBACK.decode(value);
        if (seen.add(feedback.getActionId() + "\u0000" + feedback.getKind())) {
            synchronized (byRule) {
                byRule.computeIfAbsent(feedback.getRuleId(), rule -> new EnumMap<>(FeedbackKind.class)).merge(feedback.getKind(), 1L, Long::sum);
            }
        }
    }

    /** Every rule with feedback, by rule id. */
    public List<RuleFeedback> rules() {
        synchronized (byRule) {
            List<RuleFeedback> rules = new ArrayList<>();
            byRule.forEach((rule, counts) -> rules.add(new RuleFeedback(rule, Map.copyOf(counts))));
            return rules;
        }
    }
}
