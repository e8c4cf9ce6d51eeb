package io.nudge.serving.http;

import io.javalin.http.Context;
import io.nudge.delivery.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Lets a provider's feedback in by its signature rather than a key: the {@code Nudge-Signature} scheme of the
 * webhooks ({@link WebhookSignature}), under the secret Nudge shares with that provider ({@code api.feedback.secrets},
 * by the provider named in the path). A report older than five minutes is refused, so a captured one cannot be
 * replayed later.
 */
final class ProviderAuth {

    static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final Map<String, byte[]> secrets = new java.util.HashMap<>();
    private final Clock clock;

    ProviderAuth(Map<String, String> secrets, Clock clock) {
        secrets.forEach((provider, secret) -> this.secrets.put(provider, secret.getBytes(StandardCharsets.UTF_8)));
        this.clock = clock;
    }

    void check(Context ctx) {
        String provider = ctx.pathParam("provider");
        byte[] secret = secrets.get(provider);
        if (secret == null) {
            throw new ApiException(404, "no provider '" + provider + "' is configured (api.feedback.secrets)", List.of());
        }
        if (!WebhookSignature.verify(secret, ctx.header(WebhookSignature.HEADER), ctx.bodyAsBytes(), clock.instant().getEpochSecond(), TOLERANCE)) {
            throw new ApiException(401, "the " + WebhookSignature.HEADER + " header does not sign this body with " + provider
                    + "'s secret, or is more than " + TOLERANCE.toMinutes() + " minutes old", List.of());
        }
        KeyAuth.admit(ctx, new KeyAuth.Caller("provider:" + provider, null, KeyAuth.Scope.PROVIDER));
    }
}
