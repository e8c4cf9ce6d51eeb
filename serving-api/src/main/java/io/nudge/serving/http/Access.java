package io.nudge.serving.http;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Map;
import java.util.Set;

/**
 * Who may call a route. Every route of {@link Routes} declares one, and {@link Gate} checks it once, before the
 * route's handler runs: there is no list of paths to keep in step with the routes.
 */
enum Access implements RouteRole {
    /** Anyone: health, metrics, the API description, CORS preflights, the demo shop page. */
    PUBLIC,
    /** A site key (or the admin key): what a shop's pages call, within the site's browser origins and rate limit. */
    SITE,
    /** The admin key only, within its rate limit. */
    ADMIN,
    /** A provider, by the signature of its request under its shared secret, within the key rate limit. */
    PROVIDER;

    /**
     * Headers of the pages the API serves (the console, the demo shop): script and style only from this origin (so a
     * script injected into a page cannot run and read the admin key the console holds), never in a frame, content
     * types as declared, and no referrer leaving the site.
     */
    static final Map<String, String> PAGE_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer");

    /** Checks the matched route's access; answers of site and admin routes are personal, so no cache keeps them. */
    static final class Gate {
        private final KeyAuth site;
        private final KeyAuth admin;
        private final Cors cors;
        private final RateLimit rateLimit;
        private final ProviderAuth providers;

        Gate(KeyAuth site, KeyAuth admin, Cors cors, RateLimit rateLimit, ProviderAuth providers) {
            this.site = site;
            this.admin = admin;
            this.cors = cors;
            this.rateLimit = rateLimit;
            this.providers = providers;
        }

        void check(Context ctx) throws Exception {
            switch (declared(ctx.routeRoles())) {
                case PUBLIC -> { }
                case SITE -> {
                    site.handle(ctx);
                    cors.handle(ctx);
                    rateLimit.check(ctx, true);
                    ctx.header("Cache-Control", "private, no-store");
                }
                case ADMIN -> {
                    admin.handle(ctx);
                    rateLimit.check(ctx, false);
                    ctx.header("Cache-Control", "private, no-store");
                }
                case PROVIDER -> {
                    providers.check(ctx);
                    rateLimit.check(ctx, false);
                }
            }
        }

        /**
         * The route's access. Static files (the snippet, the console's files) match no route and so declare none: they
         * are public. That every route declares exactly one is checked by a test over the route table.
         */
        private static Access declared(Set<RouteRole> roles) {
            if (roles.isEmpty()) {
                return PUBLIC;
            }
            if (roles.size() != 1 || !(roles.iterator().next() instanceof Access access)) {
                throw new IllegalStateException("a route must declare exactly one Access, not " + roles);
            }
            return access;
        }
    }
}
