package io.nudge.serving.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nudge.config.NudgeConfig;
import io.nudge.events.EventValidator;
import io.nudge.events.FieldError;
import io.nudge.events.Pseudonyms;
import io.nudge.schemas.InteractionEvent;
import io.nudge.serving.events.EventCollector;
import io.nudge.serving.events.EventJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jetbrains.annotations.NotNull;

/**
 * {@code POST /v1/events}: one event (a JSON object, answered 202 or 400) or a batch (a JSON array, answered
 * with a result per event). Only whole, valid events reach Kafka.
 */
final class EventsHandler implements Handler {

    private final EventCollector collector;
    private final Pseudonyms pseudonyms;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration maxClockSkew;
    private final Duration maxAge;
    private final int maxBatch;
    private final Counter accepted;
    private final Counter rejected;

    EventsHandler(EventCollector collector, Pseudonyms pseudonyms, ObjectMapper json, Clock clock, NudgeConfig config, MeterRegistry metrics) {
        this.collector = collector;
        this.pseudonyms = pseudonyms;
        this.json = json;
        this.clock = clock;
        this.maxClockSkew = config.get(NudgeConfig.EVENTS_MAX_CLOCK_SKEW);
        this.maxAge = config.get(NudgeConfig.EVENTS_MAX_AGE);
        this.maxBatch = config.get(NudgeConfig.EVENTS_MAX_BATCH);
        this.accepted = metrics.counter("nudge_events_accepted");
        this.rejected = metrics.counter("nudge_events_rejected");
    }

    @Override
    public void handle(@NotNull Context ctx) throws Exception {
        JsonNode body = Requests.jsonBody(ctx, json);
        Instant now = clock.instant();
        if (body.isArray()) {
            handleBatch(ctx, body, now);
        } else {
            handleOne(ctx, body, now);
        }
    }

    private void handleOne(Context ctx, JsonNode body, Instant now) throws Exception {
        EventJson.Parsed parsed = check(body, now);
        if (parsed.event() == null) {
            rejected.increment();
            throw ApiException.badRequest("invalid event", parsed.errors());
        }
        send(List.of(parsed.event()));
        ctx.status(202).json(Map.of("status", "accepted", "eventId", parsed.event().getEventId()));
    }

    private void handleBatch(Context ctx, JsonNode body, Instant now) throws Exception {
        if (body.isEmpty()) {
            throw ApiException.badRequest("(body)", "a batch must hold at least one event");
        }
        if (body.size() > maxBatch) {
            throw ApiException.badRequest("(body)", "a batch may hold at most " + maxBatch + " events, got " + body.size());
        }
        List<InteractionEvent> valid = new ArrayList<>();
        List<EventResult> results = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            EventJson.Parsed parsed = check(body.get(i), now);
            if (parsed.event() != null) {
                valid.add(parsed.event());
                results.add(new EventResult(i, "accepted", parsed.event().getEventId(), null));
            } else {
                results.add(new EventResult(i, "rejected", null, parsed.errors()));
            }
        }
        rejected.increment(body.size() - valid.size());
        if (!valid.isEmpty()) {
            send(valid);
        }
        ctx.status(valid.isEmpty() ? 400 : 200).json(new BatchResult(valid.size(), body.size() - valid.size(), results));
    }

    /** The answer to a batch: how many events were accepted and rejected, and each one's fate by its index. */
    record BatchResult(int accepted, int rejected, List<EventResult> results) {}

    /** One event of a batch: accepted with its id, or rejected with the fields at fault. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EventResult(int index, String status, String eventId, List<FieldError> fields) {}

    private EventJson.Parsed check(JsonNode node, Instant now) {
        EventJson.Parsed parsed = EventJson.parse(node, now);
        if (parsed.event() == null) {
            return parsed;
        }
        List<FieldError> errors = new ArrayList<>(EventValidator.validate(parsed.event()));
        errors.addAll(EventValidator.validateTiming(parsed.event(), now, maxClockSkew, maxAge));
        // Validated as sent (so errors name the caller's values), stored under pseudonyms when configured.
        return errors.isEmpty() ? new EventJson.Parsed(pseudonyms.apply(parsed.event()), errors) : new EventJson.Parsed(null, errors);
    }

    private void send(List<InteractionEvent> events) throws Exception {
        try {
            collector.send(events);
            accepted.increment(events.size());
        } catch (EventCollector.EventsUnavailableException e) {
            throw new ApiException(503, "events cannot be stored right now; retry later (" + e.getMessage() + ")", List.of());
        }
    }
}
