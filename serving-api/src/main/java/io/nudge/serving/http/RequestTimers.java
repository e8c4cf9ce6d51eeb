package io.nudge.serving.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The request-duration histogram {@code nudge_http_requests} per method, route template and status: the judge of
 * the server's own latency, whoever shares its cores. Each timer is looked up in the registry once, not per request.
 * Its buckets start at 100 µs, since a recommendation takes well under a millisecond.
 */
final class RequestTimers {

    private final PrometheusMeterRegistry metrics;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    RequestTimers(PrometheusMeterRegistry metrics) {
        this.metrics = metrics;
    }

    Timer of(Context ctx) {
        String method = ctx.method().name();
        String route = route(ctx);
        String status = String.valueOf(ctx.statusCode());
        return timers.computeIfAbsent(method + ' ' + route + ' ' + status, key -> Timer.builder("nudge_http_requests")
                .tag("method", method)
                .tag("route", route)
                .tag("status", status)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .register(metrics));
    }

    /** The route template, so that metrics do not grow with every customer id; "unmatched" for unknown paths. */
    static String route(Context ctx) {
        try {
            String route = ctx.endpointHandlerPath();
            return route.isEmpty() ? "unmatched" : route;
        } catch (IllegalStateException noEndpointMatched) {
            return "unmatched";
        }
    }
}
