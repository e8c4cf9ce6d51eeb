package io.nudge.backtest;

import io.nudge.config.NudgeConfig;
import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.ProfileSettings;
import io.nudge.triggers.DeliveryPolicy;
import io.nudge.events.ProfileKeys;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import io.nudge.schemas.TriggerState;
import io.nudge.triggers.Rule;
import io.nudge.triggers.RuleEngine;
import io.nudge.triggers.Triggers;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a draft rule over past events with the live job's own profile, rule and delivery code, in event-time
 * order: deadlines (abandonment, inactivity, quiet hours) resolve as event time passes them, exactly as the job's
 * timers would. Counts per day how many customers would have been contacted, after consent and caps, and how
 * many decisions were suppressed or deferred.
 */
public final class Backtest {

    /** One day's outcome (days in UTC). */
    public static final class Day {
        final Set<String> contacted = new HashSet<>();
        long sent;
        long suppressed;
        long deferred;

        public int customersContacted() {
            return contacted.size();
        }

        public long sent() {
            return sent;
        }

        public long suppressed() {
            return suppressed;
        }

        public long deferred() {
            return deferred;
        }
    }

    private record WakeUp(long at, String customer) {}

    private final ProfileUpdater updater;
    private final Triggers triggers;

    public Backtest(ProfileUpdater updater, Triggers triggers) {
        this.updater = updater;
        this.triggers = triggers;
    }

    /** With the profile, delivery and lifecycle settings the live job runs with. */
    public static Backtest withSettingsOf(NudgeConfig config) {
        return new Backtest(new ProfileUpdater(ProfileSettings.from(config)),
                new Triggers(DeliveryPolicy.from(config), CustomerMetrics.Thresholds.from(config)));
    }

    /** Outcomes per day, and every suppression reason with its count. */
    public record Result(Map<LocalDate, Day> days, Map<String, Long> suppressionReasons) {}

    public Result run(Rule rule, List<InteractionEvent> events) {
        Map<String, CustomerProfile> profiles = new HashMap<>();
        Map<String, TriggerState> states = new HashMap<>();
        PriorityQueue<WakeUp> wakeUps = new PriorityQueue<>((a, b) -> a.at() != b.at() ? Long.compare(a.at(), b.at()) : a.customer().compareTo(b.customer()));
        Map<LocalDate, Day> days = new TreeMap<>();
        Map<String, Long> reasons = new TreeMap<>();
        List<Rule> rules = List.of(rule);
        Triggers.OfferChooser noOffers = (profile, channel) -> Optional.empty();

        for (InteractionEvent event : events) {
            long t = event.getEventTime().toEpochMilli();
            resolveUntil(t - 1, wakeUps, profiles, states, rules, noOffers, days, reasons);
            if (event.getCustomerId() == null) {
                continue; // outreach needs a customer to reach
            }
            String customer = ProfileKeys.of(event);
            CustomerProfile profile = updater.apply(profiles.get(customer), event);
            profiles.put(customer, profile);
            TriggerState state = states.computeIfAbsent(customer, c -> RuleEngine.newState());
            record(triggers.onEvent(state, profile, event, rules, noOffers), days, reasons);
            schedule(customer, state, wakeUps);
        }
        if (!events.isEmpty()) {
            resolveUntil(events.get(events.size() - 1).getEventTime().toEpochMilli(), wakeUps, profiles, states, rules, noOffers, days, reasons);
        }
        return new Result(days, reasons);
    }

    private void resolveUntil(long until, PriorityQueue<WakeUp> wakeUps, Map<String, CustomerProfile> profiles,
                              Map<String, TriggerState> states, List<Rule> rules, Triggers.OfferChooser offers,
                              Map<LocalDate, Day> days, Map<String, Long> reasons) {
        while (!wakeUps.isEmpty() && wakeUps.peek().at() <= until) {
            WakeUp wakeUp = wakeUps.poll();
            TriggerState state = states.get(wakeUp.customer());
            Long due = Triggers.nextWakeUp(state);
            if (due == null || due != wakeUp.at()) {
                continue; // superseded by a later event of this customer
            }
            record(triggers.onTime(state, profiles.get(wakeUp.customer()), wakeUp.at(), rules, offers), days, reasons);
            schedule(wakeUp.customer(), state, wakeUps);
        }
    }

    private static void schedule(String customer, TriggerState state, PriorityQueue<WakeUp> wakeUps) {
        Long next = Triggers.nextWakeUp(state);
        if (next != null) {
            wakeUps.add(new WakeUp(next, customer));
        }
    }

    private static void record(List<OutreachAction> actions, Map<LocalDate, Day> days, Map<String, Long> reasons) {
        for (OutreachAction action : actions) {
            Day day = days.computeIfAbsent(LocalDate.ofInstant(action.getDecidedAt(), ZoneOffset.UTC), d -> new Day());
            if (action.getStatus() == OutreachStatus.SEND) {
                day.sent++;
                day.contacted.add(action.getCustomerId());
            } else if (action.getStatus() == OutreachStatus.SUPPRESSED) {
                day.suppressed++;
                reasons.merge(action.getReason().split(";")[0], 1L, Long::sum);
            } else if (action.getStatus() == OutreachStatus.DEFERRED) {
                day.deferred++;
            }
        }
    }
}
