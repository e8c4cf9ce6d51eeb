package io.nudge.serving.outreach;

import io.nudge.schemas.OutreachAction;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * What the reference dispatcher would have sent, per channel, and what was suppressed or deferred: the most
 * recent actions (bounded) and counts per rule and status since start. No real gateway is called.
 *
 * <p>Forgotten customers are remembered: an action the job emitted just before it processed the forget request
 * is committed with the next checkpoint, after the request, and must still not reach the customer.
 */
public final class Outbox {

    static final int KEPT = 10_000;
    private static final long DAY_MINUTES = 24 * 60;

    private final Deque<OutreachAction> recent = new ArrayDeque<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Set<String> forgotten = ConcurrentHashMap.newKeySet();
    /** Per "ruleId/status": actions per minute of decision time, for the last day. */
    private final Map<String, java.util.TreeMap<Long, Long>> perMinute = new java.util.HashMap<>();

    public synchronized void record(OutreachAction action) {
        if (forgotten.contains(action.getCustomerId())) {
            counts.computeIfAbsent(action.getRuleId() + "/withheld_forgotten", k -> new AtomicLong()).incrementAndGet();
            return;
        }
        recent.addFirst(action);
        while (recent.size() > KEPT) {
            recent.removeLast();
        }
        String key = action.getRuleId() + "/" + action.getStatus().name().toLowerCase(java.util.Locale.ROOT);
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        long minute = action.getDecidedAt().toEpochMilli() / 60_000;
        java.util.TreeMap<Long, Long> minutes = perMinute.computeIfAbsent(key, k -> new java.util.TreeMap<>());
        minutes.merge(minute, 1L, Long::sum);
        minutes.headMap(minute - DAY_MINUTES).clear();
    }

    /**
     * Per rule, per status ({@code send}, {@code suppressed}, {@code deferred}): actions decided within {@code window}
     * before {@code now} (at most a day back; minute resolution).
     */
    public synchronized Map<String, Map<String, Long>> activity(java.time.Instant now, java.time.Duration window) {
        long until = now.toEpochMilli() / 60_000;
        long from = until - Math.min(window.toMinutes(), DAY_MINUTES);
        Map<String, Map<String, Long>> byRule = new java.util.TreeMap<>();
        perMinute.forEach((key, minutes) -> {
            long count = minutes.subMap(from, false, until, true).values().stream().mapToLong(Long::longValue).sum();
            int slash = key.lastIndexOf('/');
            byRule.computeIfAbsent(key.substring(0, slash), rule -> new java.util.TreeMap<>()).merge(key.substring(slash + 1), count, Long::sum);
        });
        return byRule;
    }

    /** Drops every recorded action for these customers (they asked to be forgotten) and withholds later ones. */
    public synchronized void forget(Collection<String> customerIds) {
        forgotten.addAll(customerIds);
        recent.removeIf(action -> customerIds.contains(action.getCustomerId()));
    }

    /** Applies one record of the compacted forgotten topic: every replica withholds actions for forgotten ids. */
    public void applyForgotten(String customerId, byte[] value) {
        if (value != null) {
            forget(List.of(customerId));
        }
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
