package io.nudge.serving.http;

import io.javalin.http.Context;
import io.nudge.events.Pseudonyms;
import io.nudge.schemas.OutreachAction;
import io.nudge.serving.outreach.Outbox;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code GET /v1/admin/outreach?customerId=&ruleId=&status=&channel=&limit=}: what the reference dispatcher
 * recorded (sent, suppressed, deferred), newest first, and counts per rule and status; and recent activity per rule.
 */
final class OutreachHandler {

    private final Outbox outbox;
    private final Pseudonyms pseudonyms;
    private final java.time.Clock clock;

    OutreachHandler(Outbox outbox, Pseudonyms pseudonyms, java.time.Clock clock) {
        this.outbox = outbox;
        this.pseudonyms = pseudonyms;
        this.clock = clock;
    }

    /**
     * {@code GET /v1/admin/outreach/activity}: per rule, actions sent, suppressed and deferred in the last hour and
     * the last day, by decision time (the console's live counts). As recorded by this replica's dispatcher.
     */
    void activity(Context ctx) {
        java.time.Instant now = clock.instant();
        ctx.json(Map.of("lastHour", outbox.activity(now, java.time.Duration.ofHours(1)),
                "lastDay", outbox.activity(now, java.time.Duration.ofDays(1))));
    }

    void list(Context ctx) {
        String customerId = pseudonyms.of(Requests.optionalId(ctx, "customerId"));
        String ruleId = Requests.optionalId(ctx, "ruleId");
        String status = lower(ctx.queryParam("status"));
        String channel = lower(ctx.queryParam("channel"));
        int limit = Requests.intParam(ctx, "limit", 100, 1, 1000);
        Predicate<OutreachAction> filter = action -> (customerId == null || customerId.equals(action.getCustomerId()))
                && (ruleId == null || ruleId.equals(action.getRuleId()))
                && (status == null || status.equals(lower(action.getStatus().name())))
                && (channel == null || channel.equals(lower(action.getChannel().name())));
        ctx.json(new Actions(outbox.recent(filter, limit).stream().map(ActionView::of).toList(), outbox.counts()));
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    /** One action as the console shows it. */
    record ActionView(String actionId, String customerId, String ruleId, int ruleVersion, String channel, String templateId, String status,
                      String reason, String decidedAt, String sendAt, String offerId, Map<String, String> payload) {
        static ActionView of(OutreachAction action) {
            return new ActionView(action.getActionId(), action.getCustomerId(), action.getRuleId(), action.getRuleVersion(),
                    lower(action.getChannel().name()), action.getTemplateId(), lower(action.getStatus().name()), action.getReason(),
                    action.getDecidedAt().toString(), action.getSendAt() == null ? null : action.getSendAt().toString(), action.getOfferId(),
                    action.getPayload());
        }
    }

    /** The recent actions, newest first, and the counts per rule and status. */
    record Actions(List<ActionView> actions, Map<String, Long> counts) {}
}
