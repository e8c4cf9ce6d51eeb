package io.nudge.dispatcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.delivery.Outcome;
import io.nudge.delivery.WebhookSignature;
import io.nudge.schemas.OutreachAction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Delivers an action as a signed JSON POST: covers any ESP, SMS gateway or push service with a webhook-style API, or
 * the shop's own messaging service. Headers: {@code Nudge-Signature} ({@link WebhookSignature}) and
 * {@code Idempotency-Key} (the action id, the same on every retry and after a restart, so a receiver that honours it
 * acts once). 2xx is accepted; 408, 429 (honouring {@code Retry-After}), 5xx, timeouts and connection failures are
 * tried again; any other answer fails the action.
 */
public final class WebhookProvider implements Provider {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final byte[] secret;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;

    public WebhookProvider(URI url, byte[] secret, Duration timeout, Clock clock) {
        this.url = url;
        this.secret = secret;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public Outcome deliver(OutreachAction action) throws InterruptedException {
        byte[] body = body(action);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header(WebhookSignature.HEADER, WebhookSignature.sign(secret, clock.instant().getEpochSecond(), body))
                .header(IDEMPOTENCY_KEY, action.getActionId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return new Outcome.Accepted(response.headers().firstValue("X-Message-Id").orElse(null));
            }
            if (status == 408 || status == 429 || status >= 500) {
                return new Outcome.Retry("HTTP " + status, retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
            }
            return new Outcome.Failed("HTTP " + status + " from " + url.getHost());
        } catch (HttpTimeoutException e) {
            return new Outcome.Retry("no answer within " + timeout.toMillis() + " ms", null);
        } catch (IOException e) {
            return new Outcome.Retry("cannot reach " + url.getHost() + ": " + e.getClass().getSimpleName(), null);
        }
    }

    /** The JSON body: the action as a template needs it. */
    static byte[] body(OutreachAction action) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("actionId", action.getActionId());
        body.put("customerId", action.getCustomerId());
        body.put("channel", action.getChannel().name().toLowerCase(Locale.ROOT));
        body.put("templateId", action.getTemplateId());
        body.put("ruleId", action.getRuleId());
        body.put("ruleVersion", action.getRuleVersion());
        body.put("decidedAt", action.getDecidedAt().toString());
        body.put("offerId", action.getOfferId());
        body.put("payload", new java.util.TreeMap<>(action.getPayload()));
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an action of strings and numbers always serialises", e);
        }
    }

    /** {@code Retry-After} in seconds or as an HTTP date; null when absent or unreadable. */
    Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
