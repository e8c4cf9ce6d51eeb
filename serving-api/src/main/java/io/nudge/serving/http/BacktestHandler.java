package io.nudge.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.nudge.backtest.Backtest;
import io.nudge.backtest.History;
import io.nudge.config.NudgeConfig;
import io.nudge.events.FieldError;
import io.nudge.triggers.RuleJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jetbrains.annotations.NotNull;

/**
 * {@code POST /v1/admin/backtest} with {@code {"rule": {...}, "from": "...", "until": "..."}}: what a draft rule
 * would have done on the events topic between two instants (default: the last 7 days), per UTC day, after consent
 * and caps — the same run as {@code ./nudge backtest}, for the console's chart before a rule is enabled.
 */
final class BacktestHandler implements Handler {

    static final Duration DEFAULT_RANGE = Duration.ofDays(7);
    static final Duration MAX_RANGE = Duration.ofDays(92);

    private final NudgeConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    BacktestHandler(NudgeConfig config, ObjectMapper json, Clock clock) {
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void handle(@NotNull Context ctx) throws Exception {
        JsonNode body = Requests.jsonBody(ctx, json);
        List<FieldError> errors = new ArrayList<>();
        Instant until = instant(body, "until", clock.instant(), errors);
        Instant from = instant(body, "from", until.minus(DEFAULT_RANGE), errors);
        if (errors.isEmpty() && !from.isBefore(until)) {
            errors.add(new FieldError("from", "must be before until"));
        } else if (errors.isEmpty() && Duration.between(from, until).compareTo(MAX_RANGE) > 0) {
            errors.add(new FieldError("from", "the range may span at most " + MAX_RANGE.toDays() + " days; use ./nudge backtest for more"));
        }
        if (!body.has("rule") || !body.get("rule").isObject()) {
            errors.add(new FieldError("rule", "is required: the draft rule, as for POST /v1/admin/rules"));
        } else {
            RuleJson.Parsed parsed = RuleJson.parse(body.get("rule"), "draft", 1, true);
            if (parsed.rule() == null) {
                parsed.errors().forEach(error -> errors.add(new FieldError("rule." + error.field(), error.message())));
            } else if (errors.isEmpty()) {
                int maxEvents = config.get(NudgeConfig.API_BACKTEST_MAX_EVENTS);
                try {
                    History.Read history = History.fromKafka(config, from, until, maxEvents, read -> { });
                    Backtest.Result result = Backtest.withSettingsOf(config).run(parsed.rule(), history.events());
                    ctx.json(render(from, until, history, result));
                    return;
                } catch (History.TooManyEvents e) {
                    errors.add(new FieldError("from", e.getMessage() + " (api.backtest.max.events); choose a later from, or run "
                            + "./nudge backtest --from ... --until ..., which has no limit"));
                }
            }
        }
        throw ApiException.badRequest("invalid backtest", errors);
    }

    private static Instant instant(JsonNode body, String field, Instant fallback, List<FieldError> errors) {
        if (!body.hasNonNull(field)) {
            return fallback;
        }
        try {
            return Instant.parse(body.get(field).asText());
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be an ISO-8601 instant such as 2026-11-20T00:00:00Z"));
            return fallback;
        }
    }

    /** What a draft rule would have done: per UTC day, then why messages were held back. */
    record Report(String from, String until, int events, long rejected, List<Day> days, Map<String, Long> suppressionReasons) {}

    record Day(String day, long customersContacted, long sent, long suppressed, long deferred) {}

    private static Report render(Instant from, Instant until, History.Read history, Backtest.Result result) {
        List<Day> days = new ArrayList<>();
        result.days().forEach((day, outcome) -> days.add(new Day(day.toString(), outcome.customersContacted(), outcome.sent(),
                outcome.suppressed(), outcome.deferred())));
        return new Report(from.toString(), until.toString(), history.events().size(), history.rejected(), days, result.suppressionReasons());
    }
}
