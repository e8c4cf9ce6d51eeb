package io.nudge.triggers;

import io.nudge.catalogue.WatchedItemChange;
import io.nudge.offers.ScoredOffer;
import io.nudge.profile.CustomerMetrics;
import io.nudge.schemas.CartLine;
import io.nudge.schemas.Contact;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import io.nudge.schemas.TriggerState;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * From behaviour to outreach for one customer: the {@link RuleEngine} says which rules fire, the audience
 * filter says whether the rule is for this customer, the highest priority among simultaneous firings wins, and the
 * {@link DeliveryPolicy} says send, suppress or defer. Every decision becomes an {@link OutreachAction}, so
 * suppressed and deferred ones are visible too, and is recorded in the profile's {@link ContactHistory}, which the
 * caps count. The same code runs in the live job and in backtests.
 */
public final class Triggers implements Serializable {

    /** Chooses the offer to attach to a message on a channel, if any. */
    public interface OfferChooser extends BiFunction<CustomerProfile, String, Optional<ScoredOffer>>, Serializable {}

    /** Whether the customer whose trigger state this is belongs to a segment (kept in that state by the segments). */
    @FunctionalInterface
    public interface Membership extends Serializable {
        /** No segments: a rule for a segment's members fires for nobody. */
        Membership NONE = (state, segmentId) -> false;

        boolean isMember(TriggerState state, String segmentId);
    }

    /**
     * Whether a rule's firing goes to this customer, for rules under experiment: the customer's variant decides, and a
     * first exposure is recorded as it is decided.
     */
    @FunctionalInterface
    public interface Split {
        /** No experiments: every firing goes. */
        Split NONE = (profile, rule, at) -> true;

        boolean gives(CustomerProfile profile, Rule rule, long at);
    }

    private final RuleEngine engine = new RuleEngine();
    private final DeliveryPolicy policy;
    private final CustomerMetrics.Thresholds thresholds;
    private final Membership membership;

    public Triggers(DeliveryPolicy policy, CustomerMetrics.Thresholds thresholds) {
        this(policy, thresholds, Membership.NONE);
    }

    public Triggers(DeliveryPolicy policy, CustomerMetrics.Thresholds thresholds, Membership membership) {
        this.policy = policy;
        this.thresholds = thresholds;
        this.membership = membership;
    }

    public List<OutreachAction> onEvent(TriggerState state, CustomerProfile profile, InteractionEvent event, Collection<Rule> rules,
                                        OfferChooser offers) {
        return onEvent(state, profile, event, rules, offers, Split.NONE);
    }

    public List<OutreachAction> onEvent(TriggerState state, CustomerProfile profile, InteractionEvent event, Collection<Rule> rules,
                                        OfferChooser offers, Split split) {
        return decide(state, profile, engine.onEvent(state, rules, event, profile, thresholds.rhythm()), offers, split);
    }

    /** A change of an item the customer viewed or carted (price drop, back in stock). */
    public List<OutreachAction> onItemChange(TriggerState state, CustomerProfile profile, WatchedItemChange change, Collection<Rule> rules,
                                             OfferChooser offers, Split split) {
        return decide(state, profile, engine.onItemChange(state, rules, change), offers, split);
    }

    /** Deadlines passed and deferred actions due at {@code now} (event time). */
    public List<OutreachAction> onTime(TriggerState state, CustomerProfile profile, long now, Collection<Rule> rules, OfferChooser offers) {
        return onTime(state, profile, now, rules, offers, Split.NONE);
    }

    public List<OutreachAction> onTime(TriggerState state, CustomerProfile profile, long now, Collection<Rule> rules, OfferChooser offers,
                                       Split split) {
        List<OutreachAction> actions = new ArrayList<>(releaseDeferred(state, profile, now));
        actions.addAll(decide(state, profile, engine.onTime(state, rules, now), offers, split));
        return actions;
    }

    /** When {@link #onTime} must next be called, or null. */
    public static Long nextWakeUp(TriggerState state) {
        Long next = RuleEngine.nextDeadline(state);
        for (OutreachAction deferred : state.getDeferred()) {
            long at = deferred.getSendAt().toEpochMilli();
            next = next == null || at < next ? at : next;
        }
        return next;
    }

    /** Whether {@link #onTime} at {@code now} has anything to do. */
    public static boolean isDue(TriggerState state, long now) {
        Long next = nextWakeUp(state);
        return next != null && next <= now;
    }

    private List<OutreachAction> decide(TriggerState state, CustomerProfile profile, List<RuleEngine.Firing> firings, OfferChooser offers,
                                        Split split) {
        if (firings.isEmpty()) {
            return List.of();
        }
        // The audience first: only a customer a rule is for can be exposed to its experiment.
        List<RuleEngine.Firing> forThisCustomer = firings.stream()
                .filter(f -> f.rule().audience().accepts(CustomerMetrics.of(profile, Instant.ofEpochMilli(f.at()), thresholds),
                        segmentId -> membership.isMember(state, segmentId)))
                .toList().stream()
                .filter(f -> split.gives(profile, f.rule(), f.at()))
                .sorted(Comparator.comparing((RuleEngine.Firing f) -> -f.rule().priority()).thenComparing(f -> f.rule().ruleId()))
                .toList();
        List<OutreachAction> actions = new ArrayList<>();
        for (int i = 0; i < forThisCustomer.size(); i++) {
            RuleEngine.Firing firing = forThisCustomer.get(i);
            OutreachAction action = action(firing, profile, offers);
            if (i > 0) {
                action.setStatus(OutreachStatus.SUPPRESSED);
                action.setReason("rule " + forThisCustomer.get(0).rule().ruleId() + " of higher priority fired at the same time; " + firing.reason());
            } else {
                apply(policy.decide(action.getChannel(), profile, counted(profile, state, firing.at()), firing.at(), false), action, state, firing.reason());
            }
            ContactHistory.recordDecision(profile, action, policy.contactsMax());
            actions.add(action);
        }
        return actions;
    }

    private List<OutreachAction> releaseDeferred(TriggerState state, CustomerProfile profile, long now) {
        List<OutreachAction> due = state.getDeferred().stream().filter(a -> a.getSendAt().toEpochMilli() <= now).toList();
        if (due.isEmpty()) {
            return List.of();
        }
        List<OutreachAction> waiting = new ArrayList<>(state.getDeferred());
        waiting.removeAll(due);
        state.setDeferred(waiting);
        List<OutreachAction> released = new ArrayList<>();
        for (OutreachAction deferred : due) {
            OutreachAction action = OutreachAction.newBuilder(deferred).setDecidedAt(deferred.getSendAt()).build();
            long at = deferred.getSendAt().toEpochMilli();
            apply(policy.decide(action.getChannel(), profile, counted(profile, state, at), at, true), action, state, deferred.getReason());
            ContactHistory.recordDecision(profile, action, policy.contactsMax());
            released.add(action);
        }
        return released;
    }

    /**
     * What the caps count at {@code at}: the profile's contact history, and the contacts an earlier release kept in
     * the trigger state, which are dropped once older than the longest cap.
     */
    private List<Contact> counted(CustomerProfile profile, TriggerState state, long at) {
        if (!state.getContacts().isEmpty()) {
            long keepFrom = at - policy.longestCap().toMillis();
            List<Contact> earlier = new ArrayList<>(state.getContacts());
            if (earlier.removeIf(c -> c.getAt() <= keepFrom)) {
                state.setContacts(earlier);
            }
        }
        return ContactHistory.countedContacts(profile, state.getContacts());
    }

    private void apply(DeliveryPolicy.Decision decision, OutreachAction action, TriggerState state, String why) {
        switch (decision.verdict()) {
            case SEND -> {
                action.setStatus(OutreachStatus.SEND);
                action.setReason(why);
            }
            case SUPPRESS -> {
                action.setStatus(OutreachStatus.SUPPRESSED);
                action.setReason(decision.reason() + "; " + why);
            }
            case DEFER -> {
                action.setStatus(OutreachStatus.DEFERRED);
                action.setReason(decision.reason() + "; " + why);
                action.setSendAt(decision.sendAt());
                List<OutreachAction> deferred = new ArrayList<>(state.getDeferred());
                deferred.add(OutreachAction.newBuilder(action).build());
                state.setDeferred(deferred);
            }
        }
    }

    private static OutreachAction action(RuleEngine.Firing firing, CustomerProfile profile, OfferChooser offers) {
        Rule rule = firing.rule();
        Map<String, String> payload = new HashMap<>(rule.action().payload());
        payload.putAll(firing.facts());
        if (!profile.getCart().isEmpty()) {
            payload.put("cartItems", profile.getCart().stream().map(CartLine::getItemId).collect(Collectors.joining(",")));
        }
        String offerId = null;
        if (rule.action().attachOffer()) {
            Optional<ScoredOffer> offer = offers.apply(profile, rule.action().channel().name().toLowerCase(java.util.Locale.ROOT));
            if (offer.isPresent()) {
                offerId = offer.get().offer().getOfferId();
                payload.put("offerTitle", offer.get().offer().getTitle());
            }
        }
        return OutreachAction.newBuilder()
                .setActionId(rule.ruleId() + ":" + rule.version() + ":" + profile.getProfileKey() + ":" + firing.episodeStart())
                .setCustomerId(profile.getProfileKey())
                .setRuleId(rule.ruleId())
                .setRuleVersion(rule.version())
                .setChannel(rule.action().channel())
                .setTemplateId(rule.action().templateId())
                .setStatus(OutreachStatus.SEND)
                .setReason(firing.reason())
                .setDecidedAt(Instant.ofEpochMilli(firing.at()))
                .setSendAt(null)
                .setOfferId(offerId)
                .setPayload(payload)
                .build();
    }
}
