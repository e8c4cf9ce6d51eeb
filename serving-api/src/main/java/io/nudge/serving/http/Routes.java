package io.nudge.serving.http;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nudge.config.NudgeConfig;
import io.nudge.config.ServingReplica;
import io.nudge.events.FieldError;
import io.nudge.events.Pseudonyms;
import io.nudge.offers.NextBestOffers;
import io.nudge.serving.audit.AuditTrail;
import io.nudge.serving.events.EventCollector;
import io.nudge.serving.items.ItemPublisher;
import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.PurchaseRhythm;
import io.nudge.serving.items.ItemStore;
import io.nudge.serving.outreach.FeedbackTally;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.offers.OfferPublisher;
import io.nudge.serving.offers.OfferStore;
import io.nudge.serving.outreach.Outbox;
import io.nudge.serving.rules.RuleBook;
import io.nudge.experiments.ExperimentResults;
import io.nudge.serving.experiments.ExperimentBook;
import io.nudge.serving.experiments.OfferExperiments;
import io.nudge.serving.segments.SegmentBook;
import io.nudge.serving.segments.SegmentMembers;
import io.nudge.serving.store.AssociationStore;
import io.nudge.serving.store.ChangelogReader;
import io.nudge.serving.store.ProfileStore;
import io.nudge.serving.store.TrendingStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every route of the API, and the one place where failures become JSON errors. */
public final class Routes {

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    /** What the handlers need. */
    public record Services(ProfileStore store, AssociationStore associations, TrendingStore trending, OfferStore offerStore,
                           ItemStore itemStore, ItemPublisher itemPublisher,
                           OfferPublisher offers, RuleBook rules, AcknowledgedWriter rulesWriter, SegmentBook segments, SegmentMembers segmentMembers,
                           AcknowledgedWriter segmentsWriter, ExperimentBook experiments, ExperimentResults experimentResults,
                           AcknowledgedWriter experimentsWriter, AcknowledgedWriter forgottenWriter, AuditTrail audit, Outbox outbox, ChangelogReader changelog, EventCollector collector, NextBestOffers nextBestOffers,
                           AcknowledgedWriter feedbackWriter, FeedbackTally feedback,
                           String adminKey, Map<String, String> siteKeys, ObjectMapper json, PrometheusMeterRegistry metrics, Clock clock) {}

    private Routes() {}

    /** How long a stopping API waits for the requests in flight. */
    static final java.time.Duration GRACEFUL_STOP = java.time.Duration.ofSeconds(5);

    public static Javalin create(Services services, NudgeConfig config) {
        String openApi = resource("/io/nudge/serving/openapi.json");
        Pseudonyms pseudonyms = Pseudonyms.withSecret(config.get(NudgeConfig.API_PSEUDONYMISE_KEY));
        EventsHandler events = new EventsHandler(services.collector(), pseudonyms, services.json(), services.clock(), config, services.metrics());
        ReplicaRouter router = new ReplicaRouter(config.get(NudgeConfig.SERVING_REPLICA), config.get(NudgeConfig.SERVING_REPLICA_URLS),
                () -> services.changelog().partitionCount(config.get(NudgeConfig.TOPIC_PROFILES)), pseudonyms);
        RecommendationsHandler recommendations = new RecommendationsHandler(services.store(), services.offerStore(),
                services.associations(), services.trending(), services.itemStore(), services.nextBestOffers(), pseudonyms, router, services.json().getFactory(),
                services.clock(), PurchaseRhythm.Prior.from(config), config.get(NudgeConfig.LIFECYCLE_CHURN_HORIZON), services.segments(), services.segmentMembers(),
                new OfferExperiments(services.experiments(), services.collector()));
        ItemsHandler items = new ItemsHandler(services.itemStore(), services.itemPublisher(), services.json());
        OffersHandler offers = new OffersHandler(services.offerStore(), services.offers(), services.json());
        RulesHandler rules = new RulesHandler(services.rules(), services.rulesWriter(), services.json(), services.clock());
        SegmentsHandler segments = new SegmentsHandler(services.segments(), services.segmentMembers(), services.store(), services.segmentsWriter(),
                CustomerMetrics.Thresholds.from(config), services.json(), services.clock());
        ExperimentsHandler experiments = new ExperimentsHandler(services.experiments(), services.experimentResults(), services.rules(),
                services.offerStore(), services.experimentsWriter(), config.get(NudgeConfig.EXPERIMENTS_CONFIDENCE), services.json(), services.clock());
        OutreachHandler outreach = new OutreachHandler(services.outbox(), pseudonyms, services.clock());
        BacktestHandler backtest = new BacktestHandler(config, services.json(), services.clock());
        ReportsHandler reports = new ReportsHandler(services.store(), services.nextBestOffers(), router, services.json(), services.clock());
        CustomersHandler customers = new CustomersHandler(services.store(), services.outbox(), services.collector(),
                services.forgottenWriter(), services.audit(), pseudonyms, services.json(), services.clock());
        FeedbackHandler feedback = new FeedbackHandler(services.feedbackWriter(), services.collector(), services.feedback(), services.json(), services.clock());
        KeyAuth.Keys keys = new KeyAuth.Keys(services.adminKey(), services.siteKeys());
        KeyAuth site = new KeyAuth(keys, KeyAuth.Scope.SITE);
        KeyAuth admin = new KeyAuth(keys, KeyAuth.Scope.ADMIN);
        Cors cors = new Cors(config.get(NudgeConfig.API_SITE_ORIGINS));
        RateLimit rateLimit = new RateLimit(RateLimit.Limits.from(config), System::nanoTime, services.metrics());

        Javalin app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            String keystore = config.get(NudgeConfig.HTTP_TLS_KEYSTORE);
            if (!keystore.isBlank()) {
                // With a connector of its own, Javalin opens no plain HTTP one.
                javalin.jetty.addConnector((server, http) -> tlsConnector(server, http, keystore,
                        config.get(NudgeConfig.HTTP_TLS_KEYSTORE_PASSWORD), config.get(NudgeConfig.HTTP_PORT)));
            }
            // Graceful stop: requests in flight when the API stops still get their answer. Without it Jetty cuts
            // them off, and a client retrying an event the API had already written to Kafka counts it twice.
            javalin.jetty.modifyServer(server -> {
                server.setHandler(new StatisticsHandler());
                server.setStopTimeout(GRACEFUL_STOP.toMillis());
            });
            javalin.http.maxRequestSize = config.get(NudgeConfig.HTTP_MAX_BODY_BYTES);
            javalin.jsonMapper(new JavalinJackson(services.json(), false));
            RequestTimers timers = new RequestTimers(services.metrics());
            javalin.requestLogger.http((ctx, millis) -> timers.of(ctx).record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS));
            // The website snippet (/nudge.js) and the marketer console (/console/): static, public files; the
            // console asks for the admin key and calls the admin API with it.
            javalin.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
                files.headers = Access.PAGE_HEADERS;
            });
            Access.Gate gate = new Access.Gate(site, admin, cors, rateLimit, new ProviderAuth(config.get(NudgeConfig.API_FEEDBACK_SECRETS), services.clock()));
            // Every route with who may call it, checked once before its handler. Site routes also answer CORS
            // preflights, which carry no key by design.
            javalin.router.mount(routing -> {
                routing.beforeMatched(gate::check);
                routing.get("/health", ctx -> health(ctx, services, config), Access.PUBLIC);
                routing.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(services.metrics().scrape()), Access.PUBLIC);
                routing.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi), Access.PUBLIC);
                if (config.get(NudgeConfig.API_DEMO_SHOP)) {
                    // A site key is public by design (every page of a shop carries it), so the demo page may too.
                    String shop = resource("/io/nudge/serving/shop.html").replace("{{SITE_KEY}}", services.siteKeys().values().iterator().next());
                    routing.get("/shop", ctx -> {
                        Access.PAGE_HEADERS.forEach(ctx::header);
                        ctx.html(shop);
                    }, Access.PUBLIC);
                    // The demo shop's own catalogue, as a real shop has one: the items Nudge holds, so that a price
                    // or availability changed through the admin API shows on the shop's pages too.
                    routing.get("/shop/items", items::shopCatalogue, Access.PUBLIC);
                }
                routing.post("/v1/events", events, Access.SITE);
                routing.options("/v1/events", cors::preflight, Access.PUBLIC);
                routing.get("/v1/customers/{id}/recommendations", router.owned("id", recommendations), Access.SITE);
                routing.options("/v1/customers/{id}/recommendations", cors::preflight, Access.PUBLIC);
                routing.get("/v1/admin/offers", offers::list, Access.ADMIN);
                routing.post("/v1/admin/offers", offers::create, Access.ADMIN);
                routing.get("/v1/admin/offers/{offerId}", offers::get, Access.ADMIN);
                routing.put("/v1/admin/offers/{offerId}", offers::update, Access.ADMIN);
                routing.post("/v1/admin/offers/{offerId}/expire", offers::expire, Access.ADMIN);
                routing.get("/v1/admin/rules", rules::list, Access.ADMIN);
                routing.post("/v1/admin/rules", rules::create, Access.ADMIN);
                routing.get("/v1/admin/rules/{ruleId}", rules::get, Access.ADMIN);
                routing.put("/v1/admin/rules/{ruleId}", rules::update, Access.ADMIN);
                routing.delete("/v1/admin/rules/{ruleId}", rules::delete, Access.ADMIN);
                routing.get("/v1/admin/rules/{ruleId}/versions", rules::versions, Access.ADMIN);
                routing.post("/v1/admin/rules/{ruleId}/pause", rules::pause, Access.ADMIN);
                routing.post("/v1/admin/rules/{ruleId}/resume", rules::resume, Access.ADMIN);
                routing.get("/v1/admin/segments", segments::list, Access.ADMIN);
                routing.post("/v1/admin/segments", segments::create, Access.ADMIN);
                routing.post("/v1/admin/segments/preview", segments::preview, Access.ADMIN);
                routing.get("/v1/admin/segments/{segmentId}", segments::get, Access.ADMIN);
                routing.put("/v1/admin/segments/{segmentId}", segments::update, Access.ADMIN);
                routing.delete("/v1/admin/segments/{segmentId}", segments::delete, Access.ADMIN);
                routing.get("/v1/admin/segments/{segmentId}/versions", segments::versions, Access.ADMIN);
                routing.post("/v1/admin/segments/{segmentId}/pause", segments::pause, Access.ADMIN);
                routing.post("/v1/admin/segments/{segmentId}/resume", segments::resume, Access.ADMIN);
                routing.get("/v1/admin/experiments", experiments::list, Access.ADMIN);
                routing.post("/v1/admin/experiments", experiments::create, Access.ADMIN);
                routing.get("/v1/admin/experiments/{experimentId}", experiments::get, Access.ADMIN);
                routing.put("/v1/admin/experiments/{experimentId}", experiments::update, Access.ADMIN);
                routing.delete("/v1/admin/experiments/{experimentId}", experiments::delete, Access.ADMIN);
                routing.post("/v1/admin/experiments/{experimentId}/pause", experiments::pause, Access.ADMIN);
                routing.post("/v1/admin/experiments/{experimentId}/resume", experiments::resume, Access.ADMIN);
                routing.get("/v1/admin/experiments/{experimentId}/versions", experiments::versions, Access.ADMIN);
                routing.post("/v1/admin/backtest", backtest, Access.ADMIN);
                routing.get("/v1/admin/items", items::list, Access.ADMIN);
                routing.post("/v1/admin/items", items::putMany, Access.ADMIN);
                routing.get("/v1/admin/items/{itemId}", items::get, Access.ADMIN);
                routing.put("/v1/admin/items/{itemId}", items::put, Access.ADMIN);
                routing.patch("/v1/admin/items/{itemId}", items::patch, Access.ADMIN);
                routing.get("/v1/admin/reports/offers", reports::offers, Access.ADMIN);
                routing.get("/v1/admin/reports/outreach", feedback::report, Access.ADMIN);
                routing.post("/v1/feedback/{provider}", feedback::receive, Access.PROVIDER);
                routing.get("/v1/admin/outreach", outreach::list, Access.ADMIN);
                routing.get("/v1/admin/outreach/activity", outreach::activity, Access.ADMIN);
                routing.get("/v1/admin/customers/{customerId}/export", router.owned("customerId", customers::export), Access.ADMIN);
                routing.delete("/v1/admin/customers/{customerId}", router.owned("customerId", customers::forget), Access.ADMIN);
            });
        });

        app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.fields()));
        app.exception(AcknowledgedWriter.UnavailableException.class, (e, ctx) ->
                error(ctx, 503, "the change cannot be stored right now; retry later (" + e.getMessage() + ")", List.of()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage(), List.of()));
        app.exception(Exception.class, (e, ctx) -> {
            // The route template, not the path: paths carry customer ids, which stay out of logs.
            LOG.error("Unhandled error on {} {}", ctx.method(), RequestTimers.route(ctx), e);
            error(ctx, 500, "internal error", List.of());
        });
        return app;
    }

    private static ServerConnector tlsConnector(Server server, HttpConfiguration http, String keystore, String password, int port) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keystore);
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword(password);
        // Marks requests secure (scheme https); no SNI host check, so clients may call by address as well as by name.
        http.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server, tls, new HttpConnectionFactory(http));
        connector.setPort(port);
        return connector;
    }

    /** {@code GET /health}: ready once the stores have caught up with their changelogs. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Health(String status, boolean profilesCaughtUp, int profiles, int offers, int itemAssociations, String replica) {}

    private static void health(Context ctx, Services services, NudgeConfig config) {
        boolean ready = services.changelog().isCaughtUp();
        ServingReplica replica = config.get(NudgeConfig.SERVING_REPLICA);
        ctx.status(ready ? 200 : 503).json(new Health(ready ? "UP" : "STARTING", ready, services.store().size(), services.offerStore().size(),
                services.associations().size(), replica.isAlone() ? null : replica.toString()));
    }

    /** Every error the API answers: the status, what went wrong, and which fields (when a request's fields were at fault). */
    record ErrorBody(int status, String error, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FieldError> fields) {}

    private static void error(Context ctx, int status, String message, List<FieldError> fields) {
        if (status == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(status).json(new ErrorBody(status, message, fields));
    }

    private static String resource(String name) {
        try (InputStream in = Routes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
