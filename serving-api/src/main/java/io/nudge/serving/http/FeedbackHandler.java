package io.nudge.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.nudge.delivery.Feedback;
import io.nudge.events.FieldError;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.FeedbackKind;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.OutreachFeedback;
import io.nudge.serving.events.EventCollector;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.outreach.FeedbackTally;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/feedback/{provider}}: what a provider reports about actions it delivered ({@link Feedback}), one
 * report or up to 500 in an array, signed ({@link ProviderAuth}). Every report goes to the {@code outreach-feedback}
 * topic for the campaign reports; unsubscribes, complaints and hard bounces also go to the events topic as consent
 * changes, so the job suppresses what would follow. All or nothing: a batch with an invalid report is refused
 * whole, with the fields at fault. Posting a report again changes nothing twice.
 * {@code GET /v1/admin/reports/outreach}: the counts per rule.
 */
final class FeedbackHandler {

    static final int MAX_REPORTS = 500;

    private final AcknowledgedWriter feedbackWriter;
    private final EventCollector collector;
    private final FeedbackTally tally;
    private final ObjectMapper json;
    private final Clock clock;

    FeedbackHandler(AcknowledgedWriter feedbackWriter, EventCollector collector, FeedbackTally tally, ObjectMapper json, Clock clock) {
        this.feedbackWriter = feedbackWriter;
        this.collector = collector;
        this.tally = tally;
        this.json = json;
        this.clock = clock;
    }

    record Accepted(int accepted, int consentChanges) {}

    void receive(Context ctx) throws Exception {
        JsonNode body = Requests.jsonBody(ctx, json);
        List<JsonNode> reports = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(reports::add);
        } else {
            reports.add(body);
        }
        if (reports.isEmpty() || reports.size() > MAX_REPORTS) {
            throw ApiException.badRequest("send 1 to " + MAX_REPORTS + " reports", List.of(new FieldError("(body)", "1 to " + MAX_REPORTS + " reports")));
        }
        String provider = ctx.pathParam("provider");
        Instant now = clock.instant();
        List<OutreachFeedback> parsed = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            Feedback.Parsed one = Feedback.parse(reports.get(i), provider, now);
            String prefix = body.isArray() ? "[" + i + "]." : "";
            one.errors().forEach(error -> errors.add(new FieldError(prefix + error.field(), error.message())));
            if (one.feedback() != null) {
                parsed.add(one.feedback());
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("invalid feedback", errors);
        }
        List<InteractionEvent> consentChanges = new ArrayList<>();
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (OutreachFeedback feedback : parsed) {
            Feedback.consentChange(feedback, now).ifPresent(consentChanges::add);
            records.add(Map.entry(feedback.getActionId() + ":" + feedback.getKind().name().toLowerCase(Locale.ROOT), Codecs.FEEDBACK.encode(feedback)));
        }
        try {
            if (!consentChanges.isEmpty()) {
                collector.send(consentChanges);
            }
            feedbackWriter.writeAll(records);
        } catch (EventCollector.EventsUnavailableException | AcknowledgedWriter.UnavailableException e) {
            ctx.header("Retry-After", "5");
            throw new ApiException(503, "feedback cannot be stored right now; post it again (nothing counts twice)", List.of());
        }
        ctx.status(202).json(new Accepted(parsed.size(), consentChanges.size()));
    }

    record RuleReport(String ruleId, long delivered, long opened, long clicked, long bounced, long complained, long unsubscribed,
                      Double openRate, Double clickRate) {}

    record OutreachReport(List<RuleReport> rules, String asOf) {}

    void report(Context ctx) {
        List<RuleReport> rules = new ArrayList<>();
        for (FeedbackTally.RuleFeedback rule : tally.rules()) {
            long delivered = rule.count(FeedbackKind.DELIVERED);
            rules.add(new RuleReport(rule.ruleId(), delivered, rule.count(FeedbackKind.OPENED), rule.count(FeedbackKind.CLICKED),
                    rule.count(FeedbackKind.BOUNCED), rule.count(FeedbackKind.COMPLAINED), rule.count(FeedbackKind.UNSUBSCRIBED),
                    delivered == 0 ? null : (double) rule.count(FeedbackKind.OPENED) / delivered,
                    delivered == 0 ? null : (double) rule.count(FeedbackKind.CLICKED) / delivered));
        }
        ctx.json(new OutreachReport(rules, clock.instant().toString()));
    }
}
