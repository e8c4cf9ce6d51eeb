package io.nudge.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.documents.JsonFields;
import io.nudge.events.FieldError;
import io.nudge.schemas.Channel;
import io.nudge.schemas.EventType;
import io.nudge.schemas.FeedbackKind;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.OutreachFeedback;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a provider reports about an action it delivered, as it posts it to {@code /v1/feedback/{provider}}:
 * <pre>
 * {"kind": "unsubscribed", "actionId": "cart:1:c-42:1764403200000", "customerId": "c-42", "channel": "email",
 *  "at": "2026-11-29T10:00:00Z"}
 * </pre>
 * Kinds: {@code delivered}, {@code bounced} (with {@code "bounce": "hard"} or {@code "soft"}), {@code complained},
 * {@code unsubscribed}, {@code opened}, {@code clicked}. An unsubscribe or a complaint withdraws the customer's
 * consent for the channel, and a hard bounce marks the address undeliverable (consent withdrawn too, with that
 * reason): each becomes a {@code consent_change} event, so the job's delivery policy suppresses what would follow.
 * Every kind counts in the campaign report of the action's rule.
 */
public final class Feedback {

    private static final Set<String> FIELDS = Set.of("kind", "actionId", "customerId", "channel", "at", "bounce");
    private static final List<String> KINDS = List.of("delivered", "bounced", "complained", "unsubscribed", "opened", "clicked");

    private Feedback() {}

    /** The feedback, or every problem with it (exactly one of the two). */
    public record Parsed(OutreachFeedback feedback, List<FieldError> errors) {}

    public static Parsed parse(JsonNode node, String provider, Instant receivedAt) {
        JsonFields fields = JsonFields.of(node, "a feedback report", FIELDS);
        if (!fields.isObject()) {
            return new Parsed(null, fields.errors());
        }
        String kind = fields.text("kind");
        if (kind == null || !KINDS.contains(kind)) {
            fields.error("kind", "must be one of " + KINDS);
        }
        String actionId = fields.text("actionId");
        if (actionId == null || actionId.isBlank()) {
            fields.error("actionId", "is required: the action id Nudge sent (the Idempotency-Key)");
        }
        fields.checkId("customerId", fields.text("customerId"), true);
        Channel channel = null;
        String channelName = fields.text("channel");
        try {
            channel = channelName == null ? null : Channel.valueOf(channelName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            channel = null;
        }
        if (channel == null || channel == Channel.UNKNOWN) {
            fields.error("channel", "must be one of email, sms, push, web");
        }
        String bounce = fields.text("bounce");
        if ("bounced".equals(kind) && !"hard".equals(bounce) && !"soft".equals(bounce)) {
            fields.error("bounce", "is required for a bounce: hard or soft");
        }
        Instant at = fields.has("at") ? fields.instant("at") : receivedAt;
        if (!fields.errors().isEmpty()) {
            return new Parsed(null, fields.errors());
        }
        return new Parsed(new OutreachFeedback(actionId, ruleOf(actionId), fields.text("customerId"), channel,
                FeedbackKind.valueOf(kind.toUpperCase(Locale.ROOT)), "hard".equals(bounce), provider, at), List.of());
    }

    /** The rule of an action id ({@code rule:version:customer:episode}). */
    static String ruleOf(String actionId) {
        int colon = actionId.indexOf(':');
        return colon < 0 ? actionId : actionId.substring(0, colon);
    }

    /**
     * The consent change the feedback means, if any: unsubscribes, complaints and hard bounces withdraw consent for
     * the channel. Its event id is derived from the report, so a provider posting it again changes nothing twice; its
     * time is when Nudge learnt it ({@code now}), since a report may come long after the fact, later than the job takes
     * events.
     */
    public static Optional<InteractionEvent> consentChange(OutreachFeedback feedback, Instant now) {
        String reason = switch (feedback.getKind()) {
            case UNSUBSCRIBED -> "unsubscribed";
            case COMPLAINED -> "complained";
            case BOUNCED -> feedback.getHardBounce() ? "hard bounce" : null;
            default -> null;
        };
        if (reason == null) {
            return Optional.empty();
        }
        Map<String, String> attributes = new java.util.HashMap<>(Map.of("granted", "false", "source", "feedback:" + feedback.getProvider(),
                "reason", reason));
        if (feedback.getKind() == FeedbackKind.BOUNCED) {
            attributes.put("undeliverable", "true");
        }
        return Optional.of(InteractionEvent.newBuilder()
                .setEventId("feedback:" + feedback.getProvider() + ":" + feedback.getActionId() + ":" + feedback.getKind().name().toLowerCase(Locale.ROOT))
                .setCustomerId(feedback.getCustomerId())
                .setType(EventType.CONSENT_CHANGE)
                .setEventTime(now)
                .setChannel(feedback.getChannel())
                .setAttributes(attributes)
                .build());
    }
}
