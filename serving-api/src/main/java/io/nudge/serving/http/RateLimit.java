package io.nudge.serving.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import io.nudge.config.NudgeConfig;
import io.nudge.rate.TokenBucket;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Requests per second as token buckets holding one second's worth; beyond a limit, 429 with {@code Retry-After}.
 * Runs after {@link KeyAuth}. Every key has a budget ({@code api.rate.limit}), so that one site's page, or a
 * runaway script, cannot take the API from the others. A site key is public and shared by every visitor of a shop,
 * so beneath its budget each client of a site key has a limit of its own: per address ({@code api.rate.limit.address})
 * and, where the route names one, per visitor ({@code api.rate.limit.visitor}). A client over its own limit is
 * refused before it touches the key's budget: a flooding client is answered 429 and the shop's other visitors
 * are not. Limits hold per replica: with R replicas behind a balancer, divide them by R.
 */
final class RateLimit {

    /** How idle a client's bucket must be to be forgotten, and how often idle ones are looked for. */
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** The limits, and where a client's address comes from. */
    record Limits(int perKey, int perAddress, int perVisitor, String addressHeader) {
        static Limits from(NudgeConfig config) {
            return new Limits(config.get(NudgeConfig.API_RATE_LIMIT), config.get(NudgeConfig.API_RATE_LIMIT_ADDRESS),
                    config.get(NudgeConfig.API_RATE_LIMIT_VISITOR), config.get(NudgeConfig.API_CLIENT_ADDRESS_HEADER));
        }
    }

    private final Limits limits;
    private final LongSupplier nanoTime;
    private final MeterRegistry metrics;
    private final ConcurrentHashMap<String, TokenBucket> keys = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TokenBucket> clients = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    RateLimit(Limits limits, LongSupplier nanoTime, MeterRegistry metrics) {
        this.limits = limits;
        this.nanoTime = nanoTime;
        this.metrics = metrics;
        this.lastSweep = new AtomicLong(nanoTime.getAsLong());
    }

    /** @param perClient whether the key is shared by a site's visitors, whose clients each get a limit of their own */
    void check(Context ctx, boolean perClient) {
        if (ctx.method() == HandlerType.OPTIONS) {
            return;
        }
        String caller = KeyAuth.caller(ctx).id();
        long now = nanoTime.getAsLong();
        if (perClient) {
            String visitor = ctx.pathParamMap().get("id");
            if (visitor != null) {
                refuseIfOver(clients, "visitor", caller + "\u0000v\u0000" + visitor, limits.perVisitor(), now, ctx,
                        "this visitor is over " + limits.perVisitor() + " requests per second");
            }
            refuseIfOver(clients, "address", caller + "\u0000a\u0000" + address(ctx), limits.perAddress(), now, ctx,
                    "this client is over " + limits.perAddress() + " requests per second");
            sweepIdleClients(now);
        }
        refuseIfOver(keys, "key", caller, limits.perKey(), now, ctx, caller + " is over its limit of " + limits.perKey() + " requests per second");
    }

    /** The client's address: the connection's, or the first of the configured header's (set by a trusted proxy). */
    private String address(Context ctx) {
        if (!limits.addressHeader().isEmpty()) {
            String forwarded = ctx.header(limits.addressHeader());
            if (forwarded != null && !forwarded.isBlank()) {
                int comma = forwarded.indexOf(',');
                return (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
            }
        }
        return ctx.ip();
    }

    private void refuseIfOver(ConcurrentHashMap<String, TokenBucket> buckets, String level, String id, int perSecond, long now, Context ctx, String why) {
        long waitNanos = buckets.computeIfAbsent(id, any -> new TokenBucket(perSecond, now)).take(now);
        if (waitNanos > 0) {
            metrics.counter("nudge_http_rate_limited", "caller", KeyAuth.caller(ctx).id(), "level", level).increment();
            ctx.header("Retry-After", String.valueOf(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999))));
            throw new ApiException(429, why + "; retry later", List.of());
        }
    }

    /** Clients come and go: buckets idle long enough to be full again are dropped, so the table stays small. */
    private void sweepIdleClients(long now) {
        long last = lastSweep.get();
        if (now - last >= SWEEP_NANOS && lastSweep.compareAndSet(last, now)) {
            clients.values().removeIf(bucket -> bucket.idleFor(now) >= SWEEP_NANOS);
        }
    }
}
