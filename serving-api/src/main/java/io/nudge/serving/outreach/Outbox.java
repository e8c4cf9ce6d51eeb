package io.nudge.serving.outreach;

import io.nudge.schemas.OutreachAction;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * What the reference dispatcher would have sent, per channel, and what was suppressed or deferred: the most
 * recent actions (bounded) and counts per rule and status since start. No real gateway is called.
 */
public final class Outbox {

    static final int KEPT = 10_000;

    private final Deque<OutreachAction> recent = new ArrayDeque<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    public synchronized void record(OutreachAction action) {
        recent.addFirst(action);
        while (recent.size() > KEPT) {
            recent.removeLast();
        }
        counts.computeIfAbsent(action.getRuleId() + "/" + action.getStatus().name().toLowerCase(java.util.Locale.ROOT), k -> new AtomicLong())
                .incrementAndGet();
    }

    /** Drops every recorded action for these customers (they asked to be forgotten). */
    public synchronized void forget(java.util.Collection<String> customerIds) {
        recent.removeIf(action -> customerIds.contains(action.getCustomerId()));
    }

    /** The newest first, at most {@code limit}, of those matching {@code filter}. */
    public synchronized List<OutreachAction> recent(Predicate<OutreachAction> filter, int limit) {
        return recent.stream().filter(filter).limit(limit).toList();
    }

    /** Actions since start per "ruleId/status". */
    public Map<String, Long> counts() {
        Map<String, Long> snapshot = new java.util.TreeMap<>();
        counts.forEach((key, count) -> snapshot.put(key, count.get()));
        return snapshot;
    }
}
