package io.nudge.triggers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.offers.ScoredOffer;
import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.Channel;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Offer;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import io.nudge.schemas.TriggerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TriggersTest {

    /** 10:00 UTC: outside the default quiet hours 21:00-08:00. */
    private static final Instant DAY = Instant.parse("2026-11-20T10:00:00Z");
    private final Triggers triggers = new Triggers(DeliveryPolicy.from(NudgeConfig.defaults()), CustomerMetrics.Thresholds.from(NudgeConfig.defaults()));
    private final ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
    private final TriggerState state = RuleEngine.newState();
    private final Triggers.OfferChooser offers = (profile, channel) -> Optional.of(new ScoredOffer(
            Offer.newBuilder().setOfferId("free-delivery").setTitle("Free delivery").build(), 1.0, Map.of()));
    private CustomerProfile profile;

    static Rule rule(String id, int priority, String channel, String when) {
        return RuleJson.parse("{\"name\": \"" + id + "\", \"priority\": " + priority + ", \"when\": " + when
                + ", \"then\": {\"channel\": \"" + channel + "\", \"templateId\": \"" + id + "-template\", \"attachOffer\": true}}", id, 1, true).rule();
    }

    static final String ON_CART = "{\"kind\": \"event\", \"event\": {\"type\": \"add_to_cart\"}}";

    private List<OutreachAction> send(List<Rule> rules, EventType type, Instant at) {
        InteractionEvent event = InteractionEvent.newBuilder().setEventId(type + "@" + at).setCustomerId("c-1").setType(type)
                .setEventTime(at).setItemId("lamp").setQuantity(1).setChannel(type == EventType.CONSENT_CHANGE ? Channel.EMAIL : null)
                .setAttributes(type == EventType.CONSENT_CHANGE ? Map.of("granted", "true") : Map.of()).build();
        profile = updater.apply(profile, event);
        return triggers.onEvent(state, profile, event, rules, offers);
    }

    private void consentToEmail() {
        send(List.of(), EventType.CONSENT_CHANGE, DAY.minusSeconds(3600));
    }

    @Test
    void withoutConsentTheActionIsSuppressedAndSaysWhy() {
        OutreachAction action = send(List.of(rule("cart", 1, "email", ON_CART)), EventType.ADD_TO_CART, DAY).get(0);
        assertEquals(OutreachStatus.SUPPRESSED, action.getStatus());
        assertTrue(action.getReason().startsWith("no consent for email"), action.getReason());
    }

    @Test
    void aSentActionCarriesRuleVersionOfferCartAndADeterministicId() {
        consentToEmail();
        OutreachAction action = send(List.of(rule("cart", 1, "email", ON_CART)), EventType.ADD_TO_CART, DAY).get(0);
        assertEquals(OutreachStatus.SEND, action.getStatus());
        assertEquals("cart:1:c-1:" + DAY.toEpochMilli(), action.getActionId());
        assertEquals("free-delivery", action.getOfferId());
        assertEquals("lamp", action.getPayload().get("cartItems"));
        assertEquals("cart-template", action.getTemplateId());
    }

    @Test
    void theEmailCapHoldsForADayAndTheMessagesCapForAWeek() {
        consentToEmail();
        List<Rule> rules = List.of(rule("cart", 1, "email", ON_CART));
        List<OutreachStatus> statuses = new ArrayList<>();
        for (Duration after : List.of(Duration.ZERO, Duration.ofHours(2), Duration.ofHours(25), Duration.ofHours(50), Duration.ofHours(75))) {
            statuses.add(send(rules, EventType.ADD_TO_CART, DAY.plus(after)).get(0).getStatus());
        }
        assertEquals(List.of(OutreachStatus.SEND, OutreachStatus.SUPPRESSED, OutreachStatus.SEND, OutreachStatus.SEND, OutreachStatus.SUPPRESSED),
                statuses, "1 email per 24 h; 3 messages per 7 days");
    }

    @Test
    void atNightAMessageIsDeferredToTheMorningInTheCustomersZoneThenSent() {
        consentToEmail();
        Instant lateInBerlin = Instant.parse("2026-11-20T21:30:00Z"); // 22:30 in Berlin
        profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId("tz").setCustomerId("c-1").setType(EventType.PAGE_VIEW)
                .setEventTime(lateInBerlin.minusSeconds(60)).setAttributes(Map.of("timeZone", "Europe/Berlin")).build());

        OutreachAction deferred = send(List.of(rule("cart", 1, "email", ON_CART)), EventType.ADD_TO_CART, lateInBerlin).get(0);
        assertEquals(OutreachStatus.DEFERRED, deferred.getStatus());
        Instant morning = Instant.parse("2026-11-21T07:00:00Z"); // 08:00 in Berlin
        assertEquals(morning, deferred.getSendAt());
        assertEquals(morning.toEpochMilli(), Triggers.nextWakeUp(state));

        List<OutreachAction> released = triggers.onTime(state, profile, morning.toEpochMilli(), List.of(), offers);
        assertEquals(1, released.size());
        assertEquals(OutreachStatus.SEND, released.get(0).getStatus());
        assertEquals(deferred.getActionId(), released.get(0).getActionId(), "the same action, now sent");
        assertEquals(List.of(), state.getDeferred());
    }

    @Test
    void whenRulesFireTogetherTheHighestPriorityWins() {
        consentToEmail();
        List<OutreachAction> actions = send(List.of(rule("low", 1, "web", ON_CART), rule("high", 9, "email", ON_CART)),
                EventType.ADD_TO_CART, DAY);
        assertEquals(List.of("high", "low"), actions.stream().map(OutreachAction::getRuleId).toList());
        assertEquals(OutreachStatus.SEND, actions.get(0).getStatus());
        assertEquals(OutreachStatus.SUPPRESSED, actions.get(1).getStatus());
        assertTrue(actions.get(1).getReason().startsWith("rule high of higher priority"));
    }

    @Test
    void aRuleForVipsIgnoresOthers() {
        Rule vipOnly = RuleJson.parse("{\"name\": \"vip\", \"when\": " + ON_CART + ", \"who\": {\"lifecycleStages\": [\"vip\"]}, "
                + "\"then\": {\"channel\": \"web\", \"templateId\": \"t\"}}", "vip", 1, true).rule();
        assertEquals(List.of(), send(List.of(vipOnly), EventType.ADD_TO_CART, DAY));
    }
}
