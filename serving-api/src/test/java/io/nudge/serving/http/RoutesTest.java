package io.nudge.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nudge.config.NudgeConfig;
import io.nudge.crosssell.AssociationLearner;
import io.nudge.offers.NextBestOffers;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.Availability;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Item;
import io.nudge.schemas.Offer;
import io.nudge.serving.audit.AuditTrail;
import io.nudge.serving.events.EventCollector;
import io.nudge.serving.items.ItemPublisher;
import io.nudge.serving.items.ItemStore;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.offers.OfferPublisher;
import io.nudge.serving.offers.OfferStore;
import io.nudge.serving.outreach.FeedbackTally;
import io.nudge.serving.outreach.Outbox;
import io.nudge.serving.rules.RuleBook;
import io.nudge.experiments.ExperimentResults;
import io.nudge.serving.experiments.ExperimentBook;
import io.nudge.serving.segments.SegmentBook;
import io.nudge.serving.segments.SegmentMembers;
import io.nudge.serving.store.AssociationStore;
import io.nudge.serving.store.ChangelogReader;
import io.nudge.serving.store.ProfileStore;
import io.nudge.serving.store.TrendingStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer over stores filled directly, without a broker: who may call what, what a personal answer carries,
 * how bad requests and unknown routes are answered. Kafka clients are made but never reach a broker.
 */
class RoutesTest {

    private static final String SITE_KEY = "routes-site-key";
    private static final String ADMIN_KEY = "routes-admin-key";
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

    static Javalin app;
    static ItemStore items;
    static ProfileStore profiles;
    static AutoCloseable[] kafkaClients;

    @BeforeAll
    static void start() {
        // Nothing listens there: a request that needed Kafka would fail, and none of these does.
        NudgeConfig config = NudgeConfig.defaults().with(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:1").with(NudgeConfig.HTTP_PORT, 0);
        profiles = new ProfileStore();
        ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
        CustomerProfile gardener = null;
        for (int view = 0; view < 3; view++) {
            gardener = updater.apply(gardener, InteractionEvent.newBuilder().setEventId("v" + view).setCustomerId("gardener")
                    .setType(EventType.PRODUCT_VIEW).setEventTime(NOW.minusSeconds(60 - view)).setItemId("spade").setCategory("garden").build());
        }
        profiles.upsert(gardener);
        OfferStore offerStore = new OfferStore();
        offerStore.upsert(Offer.newBuilder().setOfferId("garden-10").setTitle("10% off garden").setCategory("garden")
                .setItemIds(List.of("spade")).setBusinessValue(1.0).build());
        offerStore.upsert(Offer.newBuilder().setOfferId("toys-5").setTitle("5% off toys").setCategory("toys").setBusinessValue(1.2).build());
        items = new ItemStore();
        items.upsert(spade(1, Availability.IN_STOCK));
        ItemPublisher itemPublisher = new ItemPublisher(config, items, Clock.fixed(NOW, ZoneOffset.UTC));
        OfferPublisher offers = new OfferPublisher(config, offerStore);
        AcknowledgedWriter rulesWriter = new AcknowledgedWriter(config, "rules", "routes-test-rules");
        AcknowledgedWriter segmentsWriter = new AcknowledgedWriter(config, "segments", "routes-test-segments");
        AcknowledgedWriter experimentsWriter = new AcknowledgedWriter(config, "experiments", "routes-test-experiments");
        AcknowledgedWriter forgottenWriter = new AcknowledgedWriter(config, "forgotten", "routes-test-forgotten");
        AcknowledgedWriter auditWriter = new AcknowledgedWriter(config, "audit", "routes-test-audit");
        AcknowledgedWriter feedbackWriter = new AcknowledgedWriter(config, "outreach-feedback", "routes-test-feedback");
        EventCollector collector = new EventCollector(config);
        ChangelogReader changelog = new ChangelogReader(config, Map.of(), () -> { });
        kafkaClients = new AutoCloseable[] {offers, itemPublisher, rulesWriter, segmentsWriter, experimentsWriter, forgottenWriter, auditWriter, feedbackWriter, collector};
        app = Routes.create(new Routes.Services(profiles, new AssociationStore(AssociationLearner.from(NudgeConfig.defaults())), new TrendingStore(), offerStore, items, itemPublisher, offers, new RuleBook(),
                rulesWriter, new SegmentBook(), new SegmentMembers(), segmentsWriter, new ExperimentBook(),
                new ExperimentResults(), experimentsWriter, forgottenWriter, new AuditTrail(auditWriter, Clock.fixed(NOW, ZoneOffset.UTC)), new Outbox(), changelog,
                collector, NextBestOffers.from(config.with(NudgeConfig.OFFERS_CONTROL_FRACTION, 0)), feedbackWriter, new FeedbackTally(), ADMIN_KEY, Map.of("web", SITE_KEY),
                JSON, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.fixed(NOW, ZoneOffset.UTC)), config);
        app.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() throws Exception {
        app.stop();
        for (AutoCloseable client : kafkaClients) {
            client.close();
        }
    }

    @Test
    void aKnownCustomerGetsOffersForWhatTheyBrowseAndNoCacheKeepsTheAnswer() throws Exception {
        HttpResponse<String> response = get("/v1/customers/gardener/recommendations?limit=2&explain=true", SITE_KEY);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode answer = JSON.readTree(response.body());
        assertTrue(answer.get("personalized").asBoolean());
        assertEquals(3, answer.get("profileSequence").asLong());
        assertEquals("garden-10", answer.get("offers").get(0).get("offerId").asText(), "interest in garden outranks the toys' higher value");
        assertTrue(answer.get("offers").get(0).get("explain").has("categoryAffinity"));
        assertEquals("private, no-store", response.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void explainedAnswersCarryTheBuyersRhythmAndNothingForOneWhoNeverBought() throws Exception {
        ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
        CustomerProfile buyer = null;
        for (int week = 0; week < 6; week++) {
            buyer = updater.apply(buyer, InteractionEvent.newBuilder().setEventId("p" + week).setCustomerId("weekly-buyer").setType(EventType.PURCHASE)
                    .setEventTime(NOW.minus(java.time.Duration.ofDays(7L * (6 - week)))).setItemId("tea").setPrice(4.0).setCurrency("EUR").setQuantity(1)
                    .setAttributes(Map.of("orderId", "o" + week)).build());
        }
        profiles.upsert(buyer);
        JsonNode answer = JSON.readTree(get("/v1/customers/weekly-buyer/recommendations?explain=true", SITE_KEY).body());
        Instant expected = Instant.parse(answer.get("nextPurchase").get("expected").asText());
        assertTrue(!expected.isBefore(NOW) && expected.isBefore(NOW.plus(java.time.Duration.ofDays(7))), "a weekly buyer's next week: " + answer);
        double risk = answer.get("churnRisk").asDouble();
        assertTrue(risk > 0 && risk < 0.2, "a regular who just bought: " + risk);
        JsonNode browser = JSON.readTree(get("/v1/customers/gardener/recommendations?explain=true", SITE_KEY).body());
        assertTrue(browser.get("churnRisk").isNull() && browser.get("nextPurchase").isNull(), browser.toString());
        assertTrue(!JSON.readTree(get("/v1/customers/weekly-buyer/recommendations", SITE_KEY).body()).has("churnRisk"), "only when explained");
    }

    @Test
    void recommendedItemsComeWithWhatTheShopSaysOfThemAndOnlyWhileInStock() throws Exception {
        JsonNode item = JSON.readTree(get("/v1/customers/gardener/recommendations", SITE_KEY).body()).get("items").get(0);
        assertEquals("spade", item.get("itemId").asText());
        assertEquals("Garden spade", item.get("title").asText());
        assertEquals(24.9, item.get("price").asDouble());
        assertEquals("https://shop.example/p/spade", item.get("url").asText());

        items.upsert(spade(2, Availability.OUT_OF_STOCK));
        try {
            JsonNode soldOut = JSON.readTree(get("/v1/customers/gardener/recommendations", SITE_KEY).body());
            assertEquals(0, soldOut.get("items").size(), "a sold-out item is not recommended");
            assertEquals("toys-5", soldOut.get("offers").get(0).get("offerId").asText(), "nor an offer of sold-out items only");
        } finally {
            items.upsert(spade(3, Availability.IN_STOCK));
        }
    }

    @Test
    void aNewItemOfTheCategoryIsRecommendedTheMinuteItIsPublished() throws Exception {
        items.upsert(Item.newBuilder().setItemId("fern").setVersion(1).setTitle("Boston fern").setCategory("garden").setPrice(15.0)
                .setPublishedAt(NOW.minus(java.time.Duration.ofDays(1))).setUpdatedAt(NOW).build());
        try {
            JsonNode answer = JSON.readTree(get("/v1/customers/gardener/recommendations?explain=true", SITE_KEY).body());
            JsonNode fern = null;
            for (JsonNode item : answer.get("items")) {
                fern = item.get("itemId").asText().equals("fern") ? item : fern;
            }
            assertTrue(fern != null && fern.get("explain").has("newArrival"), "nobody has bought or viewed it yet: " + answer);
            assertEquals("Boston fern", fern.get("title").asText());
        } finally {
            items.upsert(Item.newBuilder().setItemId("fern").setVersion(2).setTitle("Boston fern").setCategory("garden")
                    .setAvailability(Availability.WITHDRAWN).setUpdatedAt(NOW).build());
        }
    }

    private static Item spade(int version, Availability availability) {
        return Item.newBuilder().setItemId("spade").setVersion(version).setTitle("Garden spade").setUrl("https://shop.example/p/spade")
                .setPrice(24.9).setCurrency("EUR").setAvailability(availability).setCategory("garden").setUpdatedAt(NOW).build();
    }

    @Test
    void aStrangerGetsTheUnpersonalisedRanking() throws Exception {
        JsonNode answer = JSON.readTree(get("/v1/customers/stranger/recommendations", SITE_KEY).body());

        assertFalse(answer.get("personalized").asBoolean());
        assertEquals("toys-5", answer.get("offers").get(0).get("offerId").asText(), "by business value alone");
        assertFalse(answer.get("offers").get(0).has("explain"), "factors only when asked");
    }

    @Test
    void eachRouteLetsInOnlyTheKeysItDeclares() throws Exception {
        HttpResponse<String> noKey = get("/v1/customers/gardener/recommendations", null);
        assertEquals(401, noKey.statusCode());
        assertEquals("Bearer", noKey.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(403, get("/v1/customers/gardener/recommendations", "not-a-key").statusCode());
        assertEquals(403, get("/v1/admin/offers", SITE_KEY).statusCode(), "a site key cannot use admin endpoints");
        assertEquals(200, get("/v1/admin/offers", ADMIN_KEY).statusCode());
        assertEquals(200, get("/v1/customers/gardener/recommendations", ADMIN_KEY).statusCode(), "the admin key reaches everything");
        assertEquals(200, get("/metrics", null).statusCode(), "public");
    }

    @Test
    void badRequestsAndUnknownRoutesAreAnsweredInJsonNamingWhatIsWrong() throws Exception {
        HttpResponse<String> badLimit = get("/v1/customers/gardener/recommendations?limit=0", SITE_KEY);
        assertEquals(400, badLimit.statusCode());
        JsonNode error = JSON.readTree(badLimit.body());
        assertEquals(400, error.get("status").asInt());
        assertEquals("limit", error.get("fields").get(0).get("field").asText());

        HttpResponse<String> unknown = get("/v1/nothing-here", SITE_KEY);
        assertEquals(404, unknown.statusCode());
        assertEquals(404, JSON.readTree(unknown.body()).get("status").asInt());
        assertFalse(JSON.readTree(unknown.body()).has("fields"), "no fields were at fault");
    }

    @Test
    void healthSaysStartingUntilTheStoresHaveCaughtUp() throws Exception {
        HttpResponse<String> health = get("/health", null);
        assertEquals(503, health.statusCode());
        JsonNode body = JSON.readTree(health.body());
        assertEquals("STARTING", body.get("status").asText());
        assertEquals(1, body.get("profiles").asInt());
        assertFalse(body.has("replica"), "a lone replica says nothing of replicas");
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
