package io.nudge.serving.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jetbrains.annotations.NotNull;

/**
 * Requests per second per key (a token bucket holding one second's worth), so that one site's page embedding
 * its key, or a runaway script, cannot take the API from the others: beyond it, 429 with {@code Retry-After}.
 * Runs after {@link KeyAuth}.
 */
final class RateLimit implements Handler {

    private final int perSecond;
    private final LongSupplier nanoTime;
    private final MeterRegistry metrics;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimit(int perSecond, LongSupplier nanoTime, MeterRegistry metrics) {
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
        this.metrics = metrics;
    }

    @Override
    public void handle(@NotNull Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) {
            return;
        }
        String caller = KeyAuth.caller(ctx).id();
        long waitNanos = buckets.computeIfAbsent(caller, id -> new Bucket(perSecond, nanoTime.getAsLong())).take(nanoTime.getAsLong());
        if (waitNanos > 0) {
            metrics.counter("nudge_http_rate_limited", "caller", caller).increment();
            ctx.header("Retry-After", String.valueOf(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999))));
            throw new ApiException(429, caller + " is over its limit of " + perSecond + " requests per second; retry later", List.of());
        }
    }

    /** Tokens refill continuously at the rate; at most one second's worth wait. */
    private static final class Bucket {
        private final double perNano;
        private final double capacity;
        private double tokens;
        private long updated;

        Bucket(int perSecond, long now) {
            this.perNano = perSecond / 1e9;
            this.capacity = perSecond;
            this.tokens = perSecond;
            this.updated = now;
        }

        /** @return 0 if a token was taken, else how long until one is there */
        synchronized long take(long now) {
            tokens = Math.min(capacity, tokens + (now - updated) * perNano);
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }
    }
}
