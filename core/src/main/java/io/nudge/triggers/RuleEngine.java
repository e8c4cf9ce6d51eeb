package io.nudge.triggers;

import io.nudge.catalogue.WatchedItemChange;
import io.nudge.config.NudgeConfig;
import io.nudge.profile.PurchaseRhythm;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.RuleProgress;
import io.nudge.schemas.TriggerState;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides when rules' conditions are met for one customer, in event time. Progress is kept per rule in the
 * customer's {@link TriggerState}; conditions that wait ("no purchase within 30 minutes", "no visit for 14 days",
 * a count leaving its window) record a deadline, and the caller calls {@link #onTime} once event time passes it.
 *
 * <p>One episode, one firing: a sequence or absence fires once and starts again with its next first event; a
 * count fires once when it reaches its threshold and again only after dropping below it; inactivity fires once
 * per silence.
 */
public final class RuleEngine implements Serializable {

    /**
     * A rule whose condition was met at {@code at}; {@code episodeStart} identifies the episode; {@code facts} go
     * into the action's payload for its template (the item whose price dropped, say).
     */
    public record Firing(Rule rule, long at, long episodeStart, String reason, Map<String, String> facts) {
        public Firing(Rule rule, long at, long episodeStart, String reason) {
            this(rule, at, episodeStart, reason, Map.of());
        }
    }

    /** Count windows keep at most this many matches per rule and customer. */
    static final int MAX_MATCHES = 1_000;

    public List<Firing> onEvent(TriggerState state, Collection<Rule> rules, InteractionEvent event) {
        return onEvent(state, rules, event, null, null);
    }

    /**
     * @param profile the customer's profile after the event, for the conditions on their buying rhythm (null: none)
     * @param rhythm  the shop's rhythm those conditions shrink toward
     */
    public List<Firing> onEvent(TriggerState state, Collection<Rule> rules, InteractionEvent event, CustomerProfile profile, PurchaseRhythm.Prior rhythm) {
        long t = event.getEventTime().toEpochMilli();
        if (state.getLastEventAt() == null || t > state.getLastEventAt()) {
            state.setLastEventAt(t);
        }
        List<Firing> firings = new ArrayList<>();
        for (Rule rule : rules) {
            if (!rule.active()) {
                continue;
            }
            RuleProgress p = progress(state, rule);
            Condition condition = rule.condition();
            Firing firing = null;
            if (condition instanceof Condition.OnEvent c) {
                firing = c.event().matches(event) ? new Firing(rule, t, t, "event " + c.event() + " at " + Instant.ofEpochMilli(t)) : null;
            } else if (condition instanceof Condition.Sequence c) {
                firing = sequence(rule, c, p, event, t);
            } else if (condition instanceof Condition.Absence c) {
                firing = absence(c, p, event, t);
            } else if (condition instanceof Condition.Count c) {
                firing = count(rule, c, p, event, t);
            } else if (condition instanceof Condition.Inactivity c) {
                p.setDeadline(state.getLastEventAt() + c.noVisitFor().toMillis());
                p.setEpisodeStart(state.getLastEventAt());
            } else if ((condition instanceof Condition.PurchaseDue || condition instanceof Condition.ChurnRisk) && profile != null && rhythm != null) {
                watchRhythm(condition, p, profile, rhythm);
            }
            if (firing != null) {
                firings.add(firing);
            }
        }
        return firings;
    }

    /**
     * A change of an item the customer showed interest in: price-drop and back-in-stock rules fire once per interest,
     * the interests already acted on being kept (as match times) for the rule's window.
     */
    public List<Firing> onItemChange(TriggerState state, Collection<Rule> rules, WatchedItemChange change) {
        List<Firing> firings = new ArrayList<>();
        for (Rule rule : rules) {
            if (!rule.active()) {
                continue;
            }
            Condition condition = rule.condition();
            String what;
            long interest;
            Duration within;
            if (condition instanceof Condition.PriceDrop c && change.dropPercent() >= c.atLeastPercent()) {
                interest = change.interestAt(c.cartedOnly());
                within = c.within();
                what = String.format(Locale.ROOT, "price of %s fell %.0f%% from %s to %s", change.itemId(), change.dropPercent(),
                        change.seenPrice(), change.price());
            } else if (condition instanceof Condition.BackInStock c && change.backInStock()) {
                interest = change.interestAt(c.cartedOnly());
                within = c.within();
                what = change.itemId() + " is back in stock";
            } else {
                continue;
            }
            if (interest == WatchedItemChange.NEVER || interest > change.at() || change.at() - interest > within.toMillis()) {
                continue;
            }
            RuleProgress p = progress(state, rule);
            prune(p, change.at(), within, MAX_MATCHES - 1);
            if (p.getMatchTimes().contains(interest)) {
                continue; // this interest was acted on already
            }
            List<Long> times = new ArrayList<>(p.getMatchTimes());
            List<Double> values = new ArrayList<>(p.getMatchValues());
            times.add(interest);
            values.add(1.0);
            p.setMatchTimes(times);
            p.setMatchValues(values);
            Map<String, String> facts = new HashMap<>();
            facts.put("itemId", change.itemId());
            if (change.title() != null) {
                facts.put("itemTitle", change.title());
            }
            if (change.price() != null) {
                facts.put("price", Double.toString(change.price()));
            }
            if (change.seenPrice() != null) {
                facts.put("seenPrice", Double.toString(change.seenPrice()));
            }
            String after = (interest == change.cartedAt() ? "a cart " : "a view ") + NudgeConfig.durationText(Duration.ofMillis(change.at() - interest)) + " before";
            firings.add(new Firing(rule, change.at(), change.at(), what + ", " + after, facts));
        }
        return firings;
    }

    /** Resolves every deadline at or before {@code now} (event time). */
    public List<Firing> onTime(TriggerState state, Collection<Rule> rules, long now) {
        List<Firing> firings = new ArrayList<>();
        for (Rule rule : rules) {
            RuleProgress p = state.getProgress().get(rule.ruleId());
            if (!rule.active() || p == null || p.getRuleVersion() != rule.version() || p.getDeadline() == null || p.getDeadline() > now) {
                continue;
            }
            long deadline = p.getDeadline();
            Condition condition = rule.condition();
            if (condition instanceof Condition.Absence c) {
                firings.add(new Firing(rule, deadline, p.getEpisodeStart(), "no " + c.absent() + " within " + NudgeConfig.durationText(c.within()) + " after " + c.first()));
                clear(p);
            } else if (condition instanceof Condition.Inactivity c) {
                firings.add(new Firing(rule, deadline, p.getEpisodeStart(), "no visit for " + NudgeConfig.durationText(c.noVisitFor())));
                clear(p);
            } else if (condition instanceof Condition.PurchaseDue c) {
                firings.add(new Firing(rule, deadline, p.getEpisodeStart(), "next purchase due " + Instant.ofEpochMilli(deadline - c.after().toMillis())
                        + " by the customer's rhythm, none since " + Instant.ofEpochMilli(p.getEpisodeStart()),
                        Map.of("dueAt", Instant.ofEpochMilli(deadline - c.after().toMillis()).toString())));
                p.setDeadline(null); // the episode (their last purchase) stays: once per purchase
            } else if (condition instanceof Condition.ChurnRisk c) {
                firings.add(new Firing(rule, deadline, p.getEpisodeStart(), String.format(Locale.ROOT, "churn risk over %.0f days reached %.2f",
                        c.horizon().toHours() / 24.0, c.atLeast()), Map.of("churnRisk", String.format(Locale.ROOT, "%.2f", c.atLeast()))));
                p.setDeadline(null);
            } else if (condition instanceof Condition.Count c) {
                prune(p, deadline, c.within(), kept(c));
                if (total(p) < c.atLeast()) {
                    p.setFired(false);
                }
                p.setDeadline(p.getMatchTimes().isEmpty() ? null : oldest(p) + c.within().toMillis());
            } else {
                clear(p); // a sequence whose second step never came
            }
        }
        return firings;
    }

    /** An empty state for a customer the trigger rules have not seen yet. */
    public static TriggerState newState() {
        return TriggerState.newBuilder().build();
    }

    /** The earliest pending deadline of any rule, or null. */
    public static Long nextDeadline(TriggerState state) {
        Long next = null;
        for (RuleProgress p : state.getProgress().values()) {
            if (p.getDeadline() != null && (next == null || p.getDeadline() < next)) {
                next = p.getDeadline();
            }
        }
        return next;
    }

    /** Drops the progress of rules that no longer exist. */
    public static void retain(TriggerState state, Set<String> ruleIds) {
        Map<String, RuleProgress> kept = new HashMap<>(state.getProgress());
        kept.keySet().retainAll(new HashSet<>(ruleIds));
        state.setProgress(kept);
    }

    /**
     * Watches a rhythm condition from the customer's last purchase: a new purchase starts a new episode with its own
     * deadline (when the next purchase is due, or when the risk reaches the threshold); events without a purchase
     * leave it as it is, so it fires once per purchase.
     */
    private static void watchRhythm(Condition condition, RuleProgress p, CustomerProfile profile, PurchaseRhythm.Prior rhythm) {
        long lastPurchase = Long.MIN_VALUE;
        for (io.nudge.schemas.Order order : profile.getRecentOrders()) {
            lastPurchase = Math.max(lastPurchase, order.getPlacedAt().toEpochMilli());
        }
        if (lastPurchase == Long.MIN_VALUE || (p.getEpisodeStart() != null && p.getEpisodeStart() == lastPurchase)) {
            return; // never bought, or no purchase since the episode began: the rhythm is the one already watched
        }
        PurchaseRhythm.Estimate estimate = PurchaseRhythm.of(profile, rhythm);
        p.setEpisodeStart(lastPurchase);
        if (condition instanceof Condition.PurchaseDue c) {
            p.setDeadline(estimate.expected().toEpochMilli() + c.after().toMillis());
        } else if (condition instanceof Condition.ChurnRisk c) {
            p.setDeadline(whenRiskReaches(estimate, c.atLeast(), c.horizon()));
        }
    }

    /**
     * When, after the last purchase, the risk first reaches {@code atLeast} (the risk grows with the silence): found by
     * bisection to the minute within three years; null when it never does.
     */
    static Long whenRiskReaches(PurchaseRhythm.Estimate estimate, double atLeast, Duration horizon) {
        long low = estimate.lastPurchase().toEpochMilli();
        long high = low + Duration.ofDays(3 * 365).toMillis();
        if (estimate.churnRisk(Instant.ofEpochMilli(high), horizon) < atLeast) {
            return null;
        }
        if (estimate.churnRisk(Instant.ofEpochMilli(low), horizon) >= atLeast) {
            return low;
        }
        while (high - low > 60_000) {
            long middle = low + (high - low) / 2;
            if (estimate.churnRisk(Instant.ofEpochMilli(middle), horizon) >= atLeast) {
                high = middle;
            } else {
                low = middle;
            }
        }
        return high;
    }

    private static Firing sequence(Rule rule, Condition.Sequence c, RuleProgress p, InteractionEvent event, long t) {
        if (p.getEpisodeStart() != null && c.then().matches(event) && t >= p.getEpisodeStart() && t <= p.getDeadline()) {
            Firing firing = new Firing(rule, t, p.getEpisodeStart(), c.first() + " then " + c.then() + " within " + NudgeConfig.durationText(c.within()));
            clear(p);
            return firing;
        }
        if (c.first().matches(event)) {
            p.setEpisodeStart(t);
            p.setDeadline(t + c.within().toMillis());
        }
        return null;
    }

    private static Firing absence(Condition.Absence c, RuleProgress p, InteractionEvent event, long t) {
        if (p.getEpisodeStart() != null && c.absent().matches(event) && t >= p.getEpisodeStart()) {
            clear(p);
            return null;
        }
        if (c.first().matches(event)) {
            if (p.getEpisodeStart() == null) {
                p.setEpisodeStart(t);
            }
            long deadline = t + c.within().toMillis();
            if (p.getDeadline() == null || deadline > p.getDeadline()) {
                p.setDeadline(deadline);
            }
        }
        return null;
    }

    private static Firing count(Rule rule, Condition.Count c, RuleProgress p, InteractionEvent event, long t) {
        if (!c.event().matches(event)) {
            return null;
        }
        List<Long> times = new ArrayList<>(p.getMatchTimes().size() + 1);
        List<Double> values = new ArrayList<>(p.getMatchValues().size() + 1);
        times.addAll(p.getMatchTimes());
        values.addAll(p.getMatchValues());
        times.add(t);
        Double value = c.sumOf() == null ? Double.valueOf(1.0) : EventMatch.number(event, c.sumOf());
        values.add(value == null ? 0.0 : value);
        p.setMatchTimes(times);
        p.setMatchValues(values);
        long newest = t;
        for (long time : times) {
            newest = Math.max(newest, time);
        }
        prune(p, newest, c.within(), kept(c));
        p.setDeadline(oldest(p) + c.within().toMillis());
        double total = total(p);
        if (total >= c.atLeast() && !p.getFired()) {
            p.setFired(true);
            return new Firing(rule, t, oldest(p), (c.sumOf() == null ? (long) total + " x " : c.sumOf() + " " + total + " over ")
                    + c.event() + " within " + NudgeConfig.durationText(c.within()));
        }
        if (total < c.atLeast()) {
            p.setFired(false);
        }
        return null;
    }

    /**
     * How many matches a count needs to keep. Counting events, only the newest {@code atLeast} matter: the count
     * reaches the threshold exactly when they all lie in the window, and drops below it exactly when the oldest
     * of them leaves; older matches change neither moment (nor the episode's start, the oldest match when it
     * fires). A busy shopper's "3 views within an hour" thus keeps 3 times, not every view of the hour, which
     * the customer's state would carry and encode on every event. A sum needs every value in the window.
     */
    private static int kept(Condition.Count c) {
        return c.sumOf() == null ? (int) Math.max(1, Math.min(MAX_MATCHES, Math.ceil(c.atLeast()))) : MAX_MATCHES;
    }

    /** Keeps matches inside the window ending at {@code end}, and at most the newest {@code max} of them. */
    private static void prune(RuleProgress p, long end, Duration within, int max) {
        long start = end - within.toMillis();
        List<Long> allTimes = p.getMatchTimes();
        List<Double> allValues = p.getMatchValues();
        int inside = 0;
        for (long time : allTimes) {
            inside += time > start ? 1 : 0;
        }
        if (inside == allTimes.size() && inside <= max) {
            return; // the common case: nothing left the window
        }
        List<Long> times = new ArrayList<>(inside);
        List<Double> values = new ArrayList<>(inside);
        for (int i = 0; i < allTimes.size(); i++) {
            if (allTimes.get(i) > start) {
                times.add(allTimes.get(i));
                values.add(allValues.get(i));
            }
        }
        while (times.size() > max) {
            int oldestIndex = 0;
            for (int i = 1; i < times.size(); i++) {
                oldestIndex = times.get(i) < times.get(oldestIndex) ? i : oldestIndex;
            }
            times.remove(oldestIndex);
            values.remove(oldestIndex);
        }
        p.setMatchTimes(times);
        p.setMatchValues(values);
    }

    private static double total(RuleProgress p) {
        double total = 0;
        for (double value : p.getMatchValues()) {
            total += value;
        }
        return total;
    }

    private static long oldest(RuleProgress p) {
        long oldest = Long.MAX_VALUE;
        for (long time : p.getMatchTimes()) {
            oldest = Math.min(oldest, time);
        }
        return oldest;
    }

    private static void clear(RuleProgress p) {
        p.setEpisodeStart(null);
        p.setDeadline(null);
    }

    /** The rule's progress, started afresh when the rule changed version (pending waits of other rules stay). */
    private static RuleProgress progress(TriggerState state, Rule rule) {
        RuleProgress p = state.getProgress().get(rule.ruleId());
        if (p == null || p.getRuleVersion() != rule.version()) {
            p = new RuleProgress(rule.version(), null, null, false, new ArrayList<>(), new ArrayList<>());
            Map<String, RuleProgress> all = new HashMap<>(state.getProgress());
            all.put(rule.ruleId(), p);
            state.setProgress(all);
        }
        return p;
    }
}
