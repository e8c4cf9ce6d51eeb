package io.nudge.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nudge.config.NudgeConfig;
import io.nudge.crosssell.AssociationLearner;
import io.nudge.config.ServingReplica;
import io.nudge.offers.NextBestOffers;
import io.nudge.serving.audit.AuditTrail;
import io.nudge.serving.events.EventCollector;
import io.nudge.serving.http.Routes;
import io.nudge.serving.items.ItemPublisher;
import io.nudge.serving.items.ItemStore;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.offers.OfferPublisher;
import io.nudge.serving.offers.OfferStore;
import io.nudge.serving.outreach.FeedbackTally;
import io.nudge.serving.outreach.Outbox;
import io.nudge.serving.outreach.OutreachDispatcher;
import io.nudge.serving.rules.RuleBook;
import io.nudge.experiments.ExperimentResults;
import io.nudge.schemas.Codecs;
import io.nudge.serving.experiments.ExperimentBook;
import io.nudge.serving.segments.SegmentBook;
import io.nudge.serving.segments.SegmentMembers;
import io.nudge.serving.store.AssociationStore;
import io.nudge.serving.store.ChangelogReader;
import io.nudge.serving.store.ProfileStore;
import io.nudge.serving.store.TrendingStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving API process: materialises the profiles, associations, trending, offers and rules changelogs into
 * local stores, serves recommendations from them, collects events into Kafka, lets marketers manage offers and
 * trigger rules, and runs the reference outreach dispatcher.
 */
public final class ServingApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServingApi.class);

    private final ProfileStore store = new ProfileStore();
    private final AssociationStore associations;
    private final TrendingStore trending = new TrendingStore();
    private final OfferStore offerStore = new OfferStore();
    private final ItemStore itemStore = new ItemStore();
    private final ItemPublisher itemPublisher;
    private final OfferPublisher offers;
    private final RuleBook rules = new RuleBook();
    private final AcknowledgedWriter rulesWriter;
    private final SegmentBook segments = new SegmentBook();
    private final SegmentMembers segmentMembers = new SegmentMembers();
    private final AcknowledgedWriter segmentsWriter;
    private final ExperimentBook experiments = new ExperimentBook();
    private final ExperimentResults experimentResults = new ExperimentResults();
    private final AcknowledgedWriter experimentsWriter;
    private final AcknowledgedWriter forgottenWriter;
    private final AcknowledgedWriter auditWriter;
    private final Outbox outbox = new Outbox();
    private final AcknowledgedWriter feedbackWriter;
    private final FeedbackTally feedback = new FeedbackTally();
    private final OutreachDispatcher dispatcher;
    private final ChangelogReader changelog;
    private final String profilesTopic;
    private final EventCollector collector;
    /** The site whose key is generated when none is configured. */
    public static final String DEFAULT_SITE = "default";

    private final String adminKey;
    private final Map<String, String> siteKeys;
    private final Javalin http;

    private ServingApi(NudgeConfig config) {
        ObjectMapper json = JsonMapper.builder().findAndAddModules().build();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.associations = new AssociationStore(AssociationLearner.from(config));
        this.offers = new OfferPublisher(config, offerStore);
        this.itemPublisher = new ItemPublisher(config, itemStore, Clock.systemUTC());
        this.rulesWriter = new AcknowledgedWriter(config, config.get(NudgeConfig.TOPIC_RULES), "nudge-serving-rules");
        this.segmentsWriter = new AcknowledgedWriter(config, config.get(NudgeConfig.TOPIC_SEGMENTS), "nudge-serving-segments");
        this.experimentsWriter = new AcknowledgedWriter(config, config.get(NudgeConfig.TOPIC_EXPERIMENTS), "nudge-serving-experiments");
        this.forgottenWriter = new AcknowledgedWriter(config, config.get(NudgeConfig.TOPIC_FORGOTTEN), "nudge-serving-forgotten");
        this.auditWriter = new AcknowledgedWriter(config, config.get(NudgeConfig.TOPIC_AUDIT), "nudge-serving-audit");
        this.feedbackWriter = new AcknowledgedWriter(config, config.get(NudgeConfig.TOPIC_OUTREACH_FEEDBACK), "nudge-serving-feedback");
        this.dispatcher = new OutreachDispatcher(config, outbox);
        String seedFile = config.get(NudgeConfig.OFFERS_SEED_FILE);
        this.profilesTopic = config.get(NudgeConfig.TOPIC_PROFILES);
        this.changelog = new ChangelogReader(config, Map.ofEntries(
                Map.entry(config.get(NudgeConfig.TOPIC_PROFILES), store),
                Map.entry(config.get(NudgeConfig.TOPIC_ASSOCIATIONS), associations::apply),
                Map.entry(config.get(NudgeConfig.TOPIC_TRENDING), trending::apply),
                Map.entry(config.get(NudgeConfig.TOPIC_OFFERS), offerStore::apply),
                Map.entry(config.get(NudgeConfig.TOPIC_ITEMS), itemStore),
                Map.entry(config.get(NudgeConfig.TOPIC_RULES), rules),
                Map.entry(config.get(NudgeConfig.TOPIC_SEGMENTS), segments),
                Map.entry(config.get(NudgeConfig.TOPIC_SEGMENT_CHANGES), segmentMembers),
                Map.entry(config.get(NudgeConfig.TOPIC_EXPERIMENTS), experiments),
                Map.entry(config.get(NudgeConfig.TOPIC_EXPERIMENT_OUTCOMES), (ChangelogReader.Handler) (key, value) -> {
                    if (value != null) {
                        experimentResults.add(Codecs.EXPERIMENT_OUTCOMES.decode(value));
                    }
                }),
                Map.entry(config.get(NudgeConfig.TOPIC_FORGOTTEN), outbox::applyForgotten),
                Map.entry(config.get(NudgeConfig.TOPIC_OUTREACH_FEEDBACK), feedback)),
                () -> seed(seedFile, config.get(NudgeConfig.API_DEMO_SHOP), json));
        ServingReplica replica = config.get(NudgeConfig.SERVING_REPLICA);
        if (!replica.isAlone()) {
            // This replica keeps only its share of the profiles; the small shared topics stay whole on every replica.
            changelog.readOnly(config.get(NudgeConfig.TOPIC_PROFILES), replica::owns);
            LOG.info("Serving replica {}: keeping the profiles of partitions p with p mod {} = {}", replica, replica.replicas(),
                    replica.number() - 1);
        }
        this.collector = new EventCollector(config);
        this.adminKey = config.get(NudgeConfig.API_ADMIN_KEY).isBlank() ? generatedKey("api.admin.key") : config.get(NudgeConfig.API_ADMIN_KEY);
        this.siteKeys = config.get(NudgeConfig.API_SITE_KEYS).isEmpty()
                ? Map.of(DEFAULT_SITE, generatedKey("api.site.keys (site '" + DEFAULT_SITE + "')")) : config.get(NudgeConfig.API_SITE_KEYS);
        Gauge.builder("nudge_profiles_stored", store, ProfileStore::size).register(metrics);
        Gauge.builder("nudge_offers_stored", offerStore, OfferStore::size).register(metrics);
        Gauge.builder("nudge_items_stored", itemStore, ItemStore::size).register(metrics);
        Gauge.builder("nudge_changelog_undecodable", changelog, ChangelogReader::undecodableRecords).register(metrics);
        this.http = Routes.create(new Routes.Services(store, associations, trending, offerStore, itemStore, itemPublisher, offers, rules, rulesWriter, segments, segmentMembers,
                segmentsWriter, experiments, experimentResults, experimentsWriter, forgottenWriter,
                new AuditTrail(auditWriter, Clock.systemUTC()), outbox, changelog, collector,
                NextBestOffers.from(config), feedbackWriter, feedback, adminKey, siteKeys, json, metrics, Clock.systemUTC()), config);
    }

    private static String generatedKey(String setting) {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String key = HexFormat.of().formatHex(bytes);
        LOG.warn("No {} configured; generated one for this run: {}", setting, key);
        return key;
    }

    private void seed(String file, boolean demoShop, ObjectMapper json) {
        try {
            offers.seedIfEmpty(file, json);
            if (demoShop) {
                itemPublisher.seedDemoIfEmpty(json);
            }
        } catch (AcknowledgedWriter.UnavailableException | RuntimeException e) {
            LOG.error("Could not seed the offers or the demo shop's items: {}", e.getMessage());
        }
    }

    /** Starts reading the changelogs and serving on {@code http.port} (0 picks a free port). */
    public static ServingApi start(NudgeConfig config) {
        ServingApi api = new ServingApi(config);
        api.changelog.start();
        api.dispatcher.start();
        api.http.start("0.0.0.0", config.get(NudgeConfig.HTTP_PORT));
        LOG.info("Serving API listening on port {}", api.port());
        return api;
    }

    public int port() {
        return http.port();
    }

    /**
     * Every HTTP route this API serves, as {@code METHOD /path ACCESS} with Javalin's path parameters ({@code {id}})
     * and who may call it (several or none would be a mistake in the route table).
     */
    public List<String> routes() {
        return http.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.getEndpoint())
                .filter(endpoint -> endpoint.getMethod().isHttpMethod())
                .map(endpoint -> endpoint.getMethod().name() + " " + endpoint.getPath() + " "
                        + endpoint.getRoles().stream().map(Object::toString).sorted().collect(java.util.stream.Collectors.joining(",")))
                .toList();
    }

    public boolean isReady() {
        return changelog.isCaughtUp();
    }

    /** Records of the profiles changelog this replica has read: with serving.replica, those of its own partitions. */
    public long profileRecordsRead() {
        return changelog.appliedRecords(profilesTopic);
    }

    /** Changelog records skipped because they did not decode (each logged with its offset). */
    public long undecodableRecords() {
        return changelog.undecodableRecords();
    }

    public ProfileStore store() {
        return store;
    }

    public OfferStore offerStore() {
        return offerStore;
    }

    /** What the reference dispatcher has recorded. */
    public Outbox outbox() {
        return outbox;
    }

    /** The key the admin endpoints take: the configured one, or the one generated at start. */
    public String adminKey() {
        return adminKey;
    }

    /** The first site's key: the one generated for {@value #DEFAULT_SITE} when no site keys are configured. */
    public String siteKey() {
        return siteKeys.values().iterator().next();
    }

    @Override
    public void close() throws InterruptedException {
        http.stop();
        collector.close();
        changelog.close();
        dispatcher.close();
        offers.close();
        itemPublisher.close();
        rulesWriter.close();
        segmentsWriter.close();
        experimentsWriter.close();
        forgottenWriter.close();
        feedbackWriter.close();
        auditWriter.close();
    }
}
