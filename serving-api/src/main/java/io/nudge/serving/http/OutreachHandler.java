package io.nudge.serving.http;

import io.javalin.http.Context;
import io.nudge.events.Pseudonyms;
import io.nudge.schemas.OutreachAction;
import io.nudge.serving.outreach.Outbox;
import java.util.LinkedHashMap;
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
        List<Map<String, Object>> actions = outbox.recent(filter, limit).stream().map(OutreachHandler::render).toList();
        ctx.json(Map.of("actions", actions, "counts", outbox.counts()));
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    static Map<String, Object> render(OutreachAction action) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("actionId", action.getActionId());
        out.put("customerId", action.getCustomerId());
        out.put("ruleId", action.getRuleId());
        out.put("ruleVersion", action.getRuleVersion());
        out.put("channel", lower(action.getChannel().name()));
        out.put("templateId", action.getTemplateId());
        out.put("status", lower(action.getStatus().name()));
        out.put("reason", action.getReason());
        out.put("decidedAt", action.getDecidedAt().toString());
        out.put("sendAt", action.getSendAt() == null ? null : action.getSendAt().toString());
        out.put("offerId", action.getOfferId());
        out.put("payload", action.getPayload());
        return out;
    }
}
