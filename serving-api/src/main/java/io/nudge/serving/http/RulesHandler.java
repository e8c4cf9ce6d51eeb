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
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Trigger rules for marketers ({@code /v1/admin/rules}): list, create, update (a new version), pause, resume,
 * delete, and the versions of one rule. Changes go to the compacted rules topic, which the running job follows:
 * no restart, and pending waits of other rules are untouched.
 */
final class RulesHandler extends VersionedDocumentHandler<TriggerRule> {

    private final RuleBook rules;

    RulesHandler(RuleBook rules, AcknowledgedWriter writer, ObjectMapper json, Clock clock) {
        super("rule", "ruleId", "/v1/admin/rules", Codecs.RULES, rules, writer, json, clock);
        this.rules = rules;
    }

    void list(Context ctx) {
        ctx.json(Map.of("rules", rules.rules().stream().map(this::view).toList()));
    }

    void get(Context ctx) {
        ctx.json(view(existing(ctx)));
    }

    @Override
    protected String validated(JsonNode definition, String ruleId) {
        RuleJson.Parsed parsed = RuleJson.parse(definition, ruleId, 1, true);
        if (parsed.rule() == null) {
            throw ApiException.badRequest("invalid rule", parsed.errors());
        }
        return definition.toString();
    }

    @Override
    protected String idOf(TriggerRule rule) {
        return rule.getRuleId();
    }

    @Override
    protected TriggerRule nextVersion(TriggerRule current, String ruleId, String definition, Instant now) {
        return current == null ? new TriggerRule(ruleId, 1, RuleStatus.ACTIVE, definition, now)
                : new TriggerRule(ruleId, current.getVersion() + 1, current.getStatus(), definition, now);
    }

    /** Pausing keeps the version, so a resumed rule carries on with its pending waits. */
    @Override
    protected TriggerRule withActive(TriggerRule current, boolean active, Instant now) {
        return TriggerRule.newBuilder(current).setStatus(active ? RuleStatus.ACTIVE : RuleStatus.PAUSED).setUpdatedAt(now).build();
    }

    /** A rule as the API shows it: its document as JSON (as written, if it no longer parses). */
    record RuleView(String ruleId, int version, String status, String updatedAt, Object definition) {}

    @Override
    protected RuleView view(TriggerRule rule) {
        return new RuleView(rule.getRuleId(), rule.getVersion(), rule.getStatus().name().toLowerCase(Locale.ROOT), rule.getUpdatedAt().toString(),
                definitionOf(rule.getDefinition()));
    }
}
