package io.nudge.serving.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jetbrains.annotations.NotNull;

/**
 * Cross-origin calls from shop pages, allowed per site: a browser may call the public endpoints from the origins
 * configured for the site whose key it presents ({@code api.site.origins}). A preflight carries no key, so it is
 * answered for any configured origin; the call itself is then held to its key's site. Same-origin and
 * server-side calls (no {@code Origin}) are not affected.
 */
final class Cors implements Handler {

    private final Map<String, Set<String>> originsBySite;
    private final Set<String> anyOrigin;

    /** @param origins {@code origin|origin} by site */
    Cors(Map<String, String> origins) {
        this.originsBySite = origins.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                entry -> Arrays.stream(entry.getValue().split("\\|")).map(String::strip).filter(o -> !o.isEmpty()).collect(Collectors.toSet())));
        this.anyOrigin = originsBySite.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    }

    /** Runs after {@link KeyAuth}: the caller is known. */
    @Override
    public void handle(@NotNull Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || ctx.method() == HandlerType.OPTIONS || isSameOrigin(ctx, origin)) {
            return;
        }
        KeyAuth.Caller caller = KeyAuth.caller(ctx);
        Set<String> allowed = caller.site() == null ? anyOrigin : originsBySite.getOrDefault(caller.site(), Set.of());
        if (!allowed.contains(origin)) {
            throw new ApiException(403, "origin " + origin + " is not allowed for " + caller.id() + " (see api.site.origins)", List.of());
        }
        allow(ctx, origin);
    }

    /** {@code OPTIONS}: the browser asks whether it may send the call. */
    void preflight(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !anyOrigin.contains(origin)) {
            throw new ApiException(403, "origin " + origin + " is not allowed (see api.site.origins)", List.of());
        }
        allow(ctx, origin);
        ctx.header("Access-Control-Allow-Methods", "GET, POST");
        ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }

    private static void allow(Context ctx, String origin) {
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
    }

    private static boolean isSameOrigin(Context ctx, String origin) {
        return origin.equalsIgnoreCase(ctx.scheme() + "://" + ctx.host());
    }
}
