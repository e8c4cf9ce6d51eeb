package io.nudge.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nudge.config.NudgeConfig;
import io.nudge.serving.events.EventCollector;
import io.nudge.serving.http.Routes;
import io.nudge.serving.offers.OfferCatalogue;
import io.nudge.serving.store.ProfileChangelogReader;
import io.nudge.serving.store.ProfileStore;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving API process: materialises the profiles changelog into a local store, serves recommendations from
 * it, and collects events into Kafka.
 */
public final class ServingApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServingApi.class);

    private final ProfileStore store = new ProfileStore();
    private final ProfileChangelogReader changelog;
    private final EventCollector collector;
    private final Javalin http;

    private ServingApi(NudgeConfig config) {
        ObjectMapper json = JsonMapper.builder().findAndAddModules().build();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OfferCatalogue catalogue = OfferCatalogue.load(config.get(NudgeConfig.OFFERS_CATALOGUE), json);
        this.changelog = new ProfileChangelogReader(config, store);
        this.collector = new EventCollector(config);
        Gauge.builder("nudge_profiles_stored", store, ProfileStore::size).register(metrics);
        Gauge.builder("nudge_profiles_undecodable", changelog, ProfileChangelogReader::undecodableRecords).register(metrics);
        this.http = Routes.create(new Routes.Services(store, changelog, catalogue, collector, json, metrics, Clock.systemUTC()), config);
    }

    /** Starts reading the changelog and serving on {@code http.port} (0 picks a free port). */
    public static ServingApi start(NudgeConfig config) {
        ServingApi api = new ServingApi(config);
        api.changelog.start();
        api.http.start("0.0.0.0", config.get(NudgeConfig.HTTP_PORT));
        LOG.info("Serving API listening on port {}", api.port());
        return api;
    }

    public int port() {
        return http.port();
    }

    public boolean isReady() {
        return changelog.isCaughtUp();
    }

    public ProfileStore store() {
        return store;
    }

    @Override
    public void close() throws InterruptedException {
        http.stop();
        collector.close();
        changelog.close();
    }
}
