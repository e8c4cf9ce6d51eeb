package io.nudge.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.RuleStatus;
import io.nudge.schemas.TriggerRule;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.rules.RuleBook;
import io.nudge.triggers.RuleJson;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trigger rules for marketers ({@code /v1/admin/rules}): list, create, update (a new version), pause, resume,
 * delete, and the versions of one rule. Changes go to the compacted rules topic, which the running job follows:
 * no restart, and pending waits of other rules are untouched.
 */
final class RulesHandler {

    private final RuleBook rules;
    private final AcknowledgedWriter writer;
    private final ObjectMapper json;
    private final Clock clock;

    RulesHandler(RuleBook rules, AcknowledgedWriter writer, ObjectMapper json, Clock clock) {
        this.rules = rules;
        this.writer = writer;
        this.json = json;
        this.clock = clock;
    }

    void list(Context ctx) {
        ctx.json(Map.of("rules", rules.rules().stream().map(this::render).toList()));
    }

    void get(Context ctx) {
        ctx.json(render(existing(ctx)));
    }

    void versions(Context ctx) {
        TriggerRule rule = existing(ctx);
        ctx.json(Map.of("ruleId", rule.getRuleId(), "versions", rules.versions(rule.getRuleId()).stream().map(this::render).toList()));
    }

    void create(Context ctx) throws AcknowledgedWriter.UnavailableException {
        JsonNode body = Requests.jsonBody(ctx, json);
        String ruleId = body.isObject() && body.hasNonNull("ruleId") ? body.get("ruleId").asText() : null;
        if (ruleId == null) {
            throw ApiException.badRequest("ruleId", "is required");
        }
        Requests.id(ruleId, "ruleId");
        if (rules.get(ruleId).isPresent()) {
            throw new ApiException(409, "rule '" + ruleId + "' exists; change it with PUT /v1/admin/rules/" + ruleId, List.of());
        }
        String definition = validated(Requests.withoutField(body, "ruleId"), ruleId);
        ctx.status(201).json(render(publish(new TriggerRule(ruleId, 1, RuleStatus.ACTIVE, definition, clock.instant()))));
    }

    void update(Context ctx) throws AcknowledgedWriter.UnavailableException {
        TriggerRule current = existing(ctx);
        JsonNode body = Requests.jsonBody(ctx, json);
        if (body.isObject() && body.hasNonNull("ruleId") && !body.get("ruleId").asText().equals(current.getRuleId())) {
            throw ApiException.badRequest("ruleId", "does not match the id in the path '" + current.getRuleId() + "'");
        }
        String definition = validated(Requests.withoutField(body, "ruleId"), current.getRuleId());
        ctx.json(render(publish(new TriggerRule(current.getRuleId(), current.getVersion() + 1, current.getStatus(), definition, clock.instant()))));
    }

    void pause(Context ctx) throws AcknowledgedWriter.UnavailableException {
        setStatus(ctx, RuleStatus.PAUSED);
    }

    void resume(Context ctx) throws AcknowledgedWriter.UnavailableException {
        setStatus(ctx, RuleStatus.ACTIVE);
    }

    void delete(Context ctx) throws AcknowledgedWriter.UnavailableException {
        TriggerRule current = existing(ctx);
        writer.write(current.getRuleId(), null);
        rules.remove(current.getRuleId());
        ctx.status(204);
    }

    /** Pausing keeps the version, so a resumed rule carries on with its pending waits. */
    private void setStatus(Context ctx, RuleStatus status) throws AcknowledgedWriter.UnavailableException {
        TriggerRule current = existing(ctx);
        ctx.json(render(publish(TriggerRule.newBuilder(current).setStatus(status).setUpdatedAt(clock.instant()).build())));
    }

    private TriggerRule publish(TriggerRule rule) throws AcknowledgedWriter.UnavailableException {
        writer.write(rule.getRuleId(), Codecs.RULES.encode(rule));
        rules.upsert(rule);
        return rule;
    }

    private TriggerRule existing(Context ctx) {
        String ruleId = Requests.id(ctx.pathParam("ruleId"), "ruleId");
        return rules.get(ruleId).orElseThrow(() -> new ApiException(404, "no rule '" + ruleId + "'", List.of()));
    }


    /** The definition as stored: the document, validated, written compactly. */
    private String validated(JsonNode definition, String ruleId) {
        RuleJson.Parsed parsed = RuleJson.parse(definition, ruleId, 1, true);
        if (parsed.rule() == null) {
            throw ApiException.badRequest("invalid rule", parsed.errors());
        }
        return definition.toString();
    }

    /** A rule as the API shows it: its document as JSON (as written, if it no longer parses). */
    record RuleView(String ruleId, int version, String status, String updatedAt, Object definition) {}

    private RuleView render(TriggerRule rule) {
        Object definition;
        try {
            definition = json.readTree(rule.getDefinition());
        } catch (Exception e) {
            definition = rule.getDefinition();
        }
        return new RuleView(rule.getRuleId(), rule.getVersion(), rule.getStatus().name().toLowerCase(Locale.ROOT), rule.getUpdatedAt().toString(),
                definition);
    }
}
