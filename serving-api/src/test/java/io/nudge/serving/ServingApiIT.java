package io.nudge.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.config.NudgeConfig;
import io.nudge.events.Pseudonyms;
import io.nudge.kafka.LocalKafkaBroker;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.AuditRecord;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Offer;
import io.nudge.schemas.TriggerRule;
import io.nudge.schemas.UndecodableMessageException;
import io.nudge.serving.kafka.TopicSetup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API on a real broker: ingest, validation, recommendations from the materialised changelog. */
class ServingApiIT {

    @TempDir
    static Path dir;
    static LocalKafkaBroker broker;
    static NudgeConfig config;
    static ServingApi api;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();
    static final String ADMIN_KEY = "test-admin-key";
    static final String SITE_KEY = "test-site-key";
    static final String SHOP = "https://shop.example";

    @BeforeAll
    static void start() throws Exception {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        config = NudgeConfig.defaults()
                .with(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers())
                .with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.HTTP_MAX_BODY_BYTES, 4096)
                .with(NudgeConfig.API_ADMIN_KEY, ADMIN_KEY)
                .with(NudgeConfig.API_SITE_KEYS, "web=" + SITE_KEY + ", partner=partner-key")
                .with(NudgeConfig.API_SITE_ORIGINS, "web=" + SHOP + "|https://www.shop.example, partner=https://partner.example");
        TopicSetup.ensureTopics(config);
        api = ServingApi.start(config);
        pollUntil("/health", h -> h.get("status").asText().equals("UP")); // UP once the seed offers are in
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
        broker.close();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + SITE_KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> admin(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + SITE_KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode body(HttpResponse<String> response) throws Exception {
        return json.readTree(response.body());
    }

    static JsonNode pollUntil(String path, Predicate<JsonNode> condition) throws Exception {
        return pollUntil(api, path, condition);
    }

    static JsonNode pollUntil(ServingApi target, String path, Predicate<JsonNode> condition) {
        return await(path).until(() -> body(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path))
                .header("Authorization", "Bearer " + SITE_KEY).build(), HttpResponse.BodyHandlers.ofString())), condition::test);
    }

    /** Polls every 50 ms for up to 30 s, naming what it waits for when it gives up. */
    static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
    }

    @Test
    void nudgesTopicsAreSetUpOnceWithTheChangelogsCompacted() throws Exception {
        TopicSetup.ensureTopics(config); // again: leaves the existing topics alone
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicDescription profiles = admin.describeTopics(List.of("profiles")).allTopicNames().get(30, TimeUnit.SECONDS).get("profiles");
            assertEquals(config.get(NudgeConfig.TOPIC_PARTITIONS), profiles.partitions().size());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "profiles");
            assertEquals("compact", admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                    .get(resource).get("cleanup.policy").value());
        }
    }

    @Test
    void anAcceptedEventIsInKafkaDecodableAndKeyedByCustomer() throws Exception {
        String eventTime = Instant.now().minusSeconds(1).toString();
        HttpResponse<String> response = post("/v1/events", """
                {"type": "add_to_cart", "customerId": "ingest-1", "itemId": "garden-001", "category": "garden",
                 "price": 12.5, "currency": "GBP", "quantity": 2, "eventTime": "%s", "attributes": {"source": "test"}}
                """.formatted(eventTime));

        assertEquals(202, response.statusCode(), response.body());
        String eventId = body(response).get("eventId").asText();
        ConsumerRecord<byte[], byte[]> record = readEvents(r -> new String(r.key(), StandardCharsets.UTF_8).equals("ingest-1"));
        InteractionEvent event = Codecs.EVENTS.decode(record.value());
        assertEquals(eventId, event.getEventId());
        assertEquals(EventType.ADD_TO_CART, event.getType());
        assertEquals(2, event.getQuantity());
        assertEquals(Instant.parse(eventTime).toEpochMilli(), record.timestamp(), "Kafka timestamp is the event time");
    }

    @Test
    void badEventsAreRefusedWithTheFieldAtFault() throws Exception {
        assertError(post("/v1/events", "{\"type\": \"product_view\", \"customerId\": "), 400, "(body)");
        assertError(post("/v1/events", "{\"type\": \"teleport\", \"customerId\": \"c\"}"), 400, "type");
        assertError(post("/v1/events", "{\"type\": \"product_view\", \"customerId\": \"c\"}"), 400, "itemId");
        assertError(post("/v1/events", "{\"type\": \"page_view\"}"), 400, "customerId");
        assertError(post("/v1/events", "{\"type\": \"add_to_cart\", \"customerId\": \"c\", \"itemId\": \"i\", \"price\": \"cheap\"}"), 400, "price");
        assertError(post("/v1/events", "{\"type\": \"add_to_cart\", \"customerId\": \"c\", \"itemId\": \"i\", \"quantity\": -3}"), 400, "quantity");
        assertError(post("/v1/events", "{\"type\": \"page_view\", \"customerId\": \"c\", \"eventTime\": \"2099-01-01T00:00:00Z\"}"), 400, "eventTime");
        assertError(post("/v1/events", "{\"type\": \"page_view\", \"customerId\": \"c\", \"colour\": \"red\"}"), 400, "colour");
        assertError(post("/v1/events", "{\"type\": \"page_view\", \"customerId\": \"" + "x".repeat(200) + "\"}"), 400, "customerId");
        assertEquals(413, post("/v1/events", "[" + "{},".repeat(2000) + "{}]").statusCode());
    }

    @Test
    void aBatchReportsEachEventAndStoresOnlyTheValidOnes() throws Exception {
        HttpResponse<String> response = post("/v1/events", """
                [{"type": "page_view", "customerId": "batch-1", "page": "home"},
                 {"type": "product_view", "customerId": "batch-1"},
                 {"type": "search", "anonymousId": "anon-batch", "category": "toys"}]
                """);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode result = body(response);
        assertEquals(2, result.get("accepted").asInt());
        assertEquals(1, result.get("rejected").asInt());
        assertEquals("rejected", result.get("results").get(1).get("status").asText());
        assertEquals("itemId", result.get("results").get(1).get("fields").get(0).get("field").asText());
    }

    @Test
    void recommendationsFollowTheProfilesChangelog() throws Exception {
        JsonNode before = body(get("/v1/customers/reco-1/recommendations?limit=3"));
        assertFalse(before.get("personalized").asBoolean());
        assertEquals(3, before.get("offers").size());
        assertEquals("free-delivery-50", before.get("offers").get(0).get("offerId").asText(), "fallback: business value");
        assertEquals("treatment", before.get("group").asText());

        CustomerProfile profile = null;
        ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
        for (int i = 0; i < 3; i++) {
            profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId("e" + i).setCustomerId("reco-1")
                    .setType(EventType.PRODUCT_VIEW).setEventTime(Instant.now()).setItemId("toys-00" + i).setCategory("toys").build());
        }
        publish(profile);

        JsonNode after = pollUntil("/v1/customers/reco-1/recommendations?limit=3", r -> r.get("personalized").asBoolean());
        assertEquals("toys", after.get("offers").get(0).get("category").asText());
        assertEquals(3, after.get("profileSequence").asLong());
    }

    @Test
    void anAdminExportsAndForgetsACustomerAndEachActIsAudited() throws Exception {
        CustomerProfile profile = new ProfileUpdater(ProfileSettings.defaults()).apply(null, InteractionEvent.newBuilder().setEventId("x1")
                .setCustomerId("export-1").setType(EventType.PRODUCT_VIEW).setEventTime(Instant.now()).setItemId("garden-001")
                .setCategory("garden").build());
        publish(profile);
        pollUntil("/v1/customers/export-1/recommendations", r -> r.get("personalized").asBoolean());

        assertEquals(401, admin("GET", "/v1/admin/customers/export-1/export", null, null).statusCode());
        assertEquals(403, admin("GET", "/v1/admin/customers/export-1/export", null, "not-the-key").statusCode());
        assertEquals(404, admin("GET", "/v1/admin/customers/nobody-here/export", null, ADMIN_KEY).statusCode());

        HttpResponse<String> exported = admin("GET", "/v1/admin/customers/export-1/export", null, ADMIN_KEY);
        assertEquals(200, exported.statusCode(), exported.body());
        JsonNode export = body(exported);
        assertEquals("export-1", export.get("customerId").asText());
        assertEquals("io.nudge.schemas.CustomerProfile", export.get("profileSchema").asText());
        assertEquals("export-1", export.get("profile").get("profileKey").asText());
        assertEquals("garden-001", export.get("profile").get("recentlyViewed").get(0).get("itemId").asText());
        assertTrue(export.get("outreach").isArray());

        assertEquals(202, admin("DELETE", "/v1/admin/customers/export-1", null, ADMIN_KEY).statusCode());

        String fingerprint = "admin-key:" + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(ADMIN_KEY.getBytes(StandardCharsets.UTF_8)), 0, 6);
        for (String action : List.of("export", "forget")) {
            ConsumerRecord<byte[], byte[]> record = firstRecord(config.get(NudgeConfig.TOPIC_AUDIT), r -> {
                try {
                    return Codecs.AUDIT.decode(r.value()).getAction().equals(action);
                } catch (Exception e) {
                    return false;
                }
            });
            AuditRecord audited = Codecs.AUDIT.decode(record.value());
            assertEquals("export-1", audited.getCustomerId());
            assertEquals(fingerprint, audited.getActor(), "who: the key's fingerprint, not the key");
            assertFalse(new String(record.value(), StandardCharsets.ISO_8859_1).contains(ADMIN_KEY), "the key itself is never written");
        }
    }

    @Test
    void aSiteKeyReachesOnlyThePublicEndpointsAndTheAdminKeyReachesAll() throws Exception {
        String recommendations = "/v1/customers/keys-1/recommendations";
        assertError(admin("GET", recommendations, null, null), 401, null);
        assertEquals("Bearer", admin("GET", recommendations, null, null).headers().firstValue("WWW-Authenticate").orElse(null));
        assertError(admin("GET", recommendations, null, "guessed-key"), 403, null);
        assertEquals(200, admin("GET", recommendations, null, "partner-key").statusCode());
        assertEquals(200, admin("GET", recommendations, null, ADMIN_KEY).statusCode());
        assertError(admin("POST", "/v1/events", "{\"type\": \"page_view\", \"customerId\": \"keys-1\"}", null), 401, null);

        HttpResponse<String> siteOnAdmin = admin("GET", "/v1/admin/offers", null, SITE_KEY);
        assertError(siteOnAdmin, 403, null);
        assertTrue(body(siteOnAdmin).get("error").asText().contains("site key"), siteOnAdmin.body());
        for (String consolePath : new String[] {"/v1/admin/outreach/activity", "/v1/admin/reports/offers"}) {
            assertError(admin("GET", consolePath, null, SITE_KEY), 403, null);
            assertEquals(200, admin("GET", consolePath, null, ADMIN_KEY).statusCode(), consolePath);
        }
        assertError(admin("POST", "/v1/admin/backtest", "{}", SITE_KEY), 403, null);
    }

    @Test
    void aDraftRuleIsBacktestedOnTheEventsTopicOrRefusedFieldByField() throws Exception {
        post("/v1/events", "{\"type\": \"add_to_cart\", \"customerId\": \"backtest-1\", \"itemId\": \"lamp\", \"quantity\": 1}");
        String rule = "{\"name\": \"Carts\", \"when\": {\"kind\": \"event\", \"event\": {\"type\": \"add_to_cart\"}}, "
                + "\"then\": {\"channel\": \"web\", \"templateId\": \"t\"}}";
        HttpResponse<String> result = admin("POST", "/v1/admin/backtest", "{\"rule\": " + rule + "}", ADMIN_KEY);
        assertEquals(200, result.statusCode(), result.body());
        JsonNode days = body(result).get("days");
        assertTrue(days.size() >= 1 && days.get(days.size() - 1).get("customersContacted").asInt() >= 1, result.body());

        assertError(admin("POST", "/v1/admin/backtest", "{\"rule\": {\"name\": \"x\", \"when\": {\"kind\": \"event\", "
                + "\"event\": {\"type\": \"teleport\"}}, \"then\": {\"channel\": \"web\", \"templateId\": \"t\"}}}", ADMIN_KEY), 400, "rule.when.event.type");
        assertError(admin("POST", "/v1/admin/backtest", "{\"rule\": " + rule + ", \"from\": \"yesterday\"}", ADMIN_KEY), 400, "from");
        assertError(admin("POST", "/v1/admin/backtest", "{\"rule\": " + rule + ", \"from\": \"2026-01-01T00:00:00Z\", "
                + "\"until\": \"2026-11-01T00:00:00Z\"}", ADMIN_KEY), 400, "from");
        assertError(admin("POST", "/v1/admin/backtest", "{}", ADMIN_KEY), 400, "rule");
    }

    @Test
    void browsersMayCallFromTheOriginsOfTheSiteWhoseKeyTheyPresent() throws Exception {
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/events"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", SHOP)
                .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization, content-type").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode(), preflight.body());
        assertEquals(SHOP, preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));

        assertEquals(SHOP, fromOrigin(SHOP, SITE_KEY).headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        HttpResponse<String> otherSitesOrigin = fromOrigin("https://partner.example", SITE_KEY);
        assertError(otherSitesOrigin, 403, null);
        assertTrue(otherSitesOrigin.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        assertError(fromOrigin("https://evil.example", SITE_KEY), 403, null);
        assertEquals(403, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/events"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, get("/v1/customers/cors-1/recommendations").statusCode(), "server-side calls carry no Origin");
    }

    private static HttpResponse<String> fromOrigin(String origin, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/customers/cors-1/recommendations"))
                .header("Origin", origin).header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aKeyOverItsRateIsToldWhenToRetryAndOthersAreNotAffected() throws Exception {
        // Two per second: twenty requests would need nine seconds to pass, so some must be refused however slow the machine.
        try (ServingApi limited = ServingApi.start(config.with(NudgeConfig.API_RATE_LIMIT, 2))) {
            URI uri = URI.create("http://127.0.0.1:" + limited.port() + "/v1/customers/rate-1/recommendations");
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + SITE_KEY).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            HttpResponse<String> refused = answers.stream().filter(a -> a.statusCode() == 429).findFirst()
                    .orElseThrow(() -> new AssertionError("20 requests at once passed a limit of 2 per second"));
            assertTrue(answers.stream().filter(a -> a.statusCode() == 200).count() >= 2, "the burst of one second's worth passes");
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            assertTrue(body(refused).get("error").asText().contains("site:web"), refused.body());
            assertEquals(200, http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer partner-key").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "another key has its own budget");
        }
    }

    @Test
    void aFloodingClientIsRefusedWithoutSpendingTheShopsBudget() throws Exception {
        // The key's budget (100/s) is below the flood (200 requests at once): were the flooder charged to it, the
        // shop's other visitors would be refused next.
        NudgeConfig limits = config.with(NudgeConfig.API_RATE_LIMIT, 100).with(NudgeConfig.API_RATE_LIMIT_ADDRESS, 10)
                .with(NudgeConfig.API_RATE_LIMIT_VISITOR, 5).with(NudgeConfig.API_CLIENT_ADDRESS_HEADER, "X-Forwarded-For");
        try (ServingApi limited = ServingApi.start(limits)) {
            String base = "http://127.0.0.1:" + limited.port() + "/v1/customers/";
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                flood.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "flooder-" + i + "/recommendations"))
                        .header("Authorization", "Bearer " + SITE_KEY).header("X-Forwarded-For", "10.0.0.66, 192.168.1.1").build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<HttpResponse<String>> flooded = flood.stream().map(java.util.concurrent.CompletableFuture::join).toList();
            List<HttpResponse<String>> refused = flooded.stream().filter(a -> a.statusCode() == 429).toList();
            assertTrue(refused.size() >= 100, refused.size() + " of 200 refused");
            assertTrue(refused.get(0).headers().firstValue("Retry-After").isPresent());
            assertTrue(body(refused.get(0)).get("error").asText().contains("this client"), refused.get(0).body());

            for (int i = 0; i < 10; i++) {
                HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(base + "neighbour-" + i + "/recommendations"))
                        .header("Authorization", "Bearer " + SITE_KEY).header("X-Forwarded-For", "10.0.0.7").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, other.statusCode(), "another visitor of the shop is served during the flood: " + other.body());
            }

            List<Integer> oneVisitor = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                oneVisitor.add(http.send(HttpRequest.newBuilder(URI.create(base + "reloader/recommendations")).header("Authorization", "Bearer " + SITE_KEY)
                        .header("X-Forwarded-For", "10.0.0.8").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            assertTrue(oneVisitor.contains(429), "one visitor over 5 per second: " + oneVisitor);
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "housemate/recommendations")).header("Authorization", "Bearer " + SITE_KEY)
                    .header("X-Forwarded-For", "10.0.0.8").build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                    "another visitor at the same address is not");
        }
    }

    @Test
    void withPseudonymsNoShopIdIsStoredYetCallersKeepUsingTheirIds() throws Exception {
        Pseudonyms pseudonyms = Pseudonyms.withSecret("test-pseudonym-secret");
        try (ServingApi pseudonymising = ServingApi.start(config.with(NudgeConfig.API_PSEUDONYMISE_KEY, "test-pseudonym-secret"))) {
            String base = "http://127.0.0.1:" + pseudonymising.port();
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + SITE_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"page_view\", \"customerId\": \"pseudo-alice\", \"page\": \"home\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            String eventId = body(accepted).get("eventId").asText();

            ConsumerRecord<byte[], byte[]> record = readEvents(r -> {
                try {
                    return Codecs.EVENTS.decode(r.value()).getEventId().equals(eventId);
                } catch (Exception e) {
                    return false;
                }
            });
            String pseudonym = pseudonyms.of("pseudo-alice");
            assertEquals(pseudonym, Codecs.EVENTS.decode(record.value()).getCustomerId());
            assertEquals(pseudonym, new String(record.key(), StandardCharsets.UTF_8));
            assertFalse(new String(record.value(), StandardCharsets.ISO_8859_1).contains("pseudo-alice"), "the shop's id is not stored");

            CustomerProfile profile = new ProfileUpdater(ProfileSettings.defaults()).apply(null, Codecs.EVENTS.decode(record.value()));
            publish(profile);
            JsonNode answer = pollUntil(pseudonymising, "/v1/customers/pseudo-alice/recommendations", r -> r.get("personalized").asBoolean());
            assertEquals("pseudo-alice", answer.get("customerId").asText());
            assertEquals(pseudonym, answer.get("profileKey").asText());
        }
    }

    @Test
    void withAKeystoreTheApiSpeaksOnlyHttps() throws Exception {
        Path keystore = dir.resolve("api.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "nudge", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "test-pass", "-keypass", "test-pass")
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        try (ServingApi tls = ServingApi.start(config.with(NudgeConfig.HTTP_TLS_KEYSTORE, keystore.toString())
                .with(NudgeConfig.HTTP_TLS_KEYSTORE_PASSWORD, "test-pass"))) {
            java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
            try (var in = java.nio.file.Files.newInputStream(keystore)) {
                trusted.load(in, "test-pass".toCharArray());
            }
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(context).build();

            HttpResponse<String> recommendations = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + tls.port()
                    + "/v1/customers/tls-1/recommendations")).header("Authorization", "Bearer " + SITE_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, recommendations.statusCode(), recommendations.body());
            assertEquals("tls-1", body(recommendations).get("customerId").asText());
            assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + tls.port() + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()), "no plain HTTP on the TLS port");
        }
    }

    @Test
    void thePageAndExplainShapeTheAnswer() throws Exception {
        JsonNode onKitchenPage = body(get("/v1/customers/visitor-x/recommendations?limit=2&page=category&category=kitchen&explain=true"));
        JsonNode top = onKitchenPage.get("offers").get(0);
        assertEquals("kitchen", top.get("category").asText(), onKitchenPage.toString());
        assertEquals(0.7, top.get("explain").get("pageCategory").asDouble(), 1e-9);
        assertTrue(top.get("explain").has("businessValue"));

        JsonNode onAnItem = body(get("/v1/customers/visitor-x/recommendations?limit=1&item=party-002"));
        assertEquals("party-supplies", onAnItem.get("offers").get(0).get("offerId").asText());
        assertFalse(onAnItem.get("offers").get(0).has("explain"), "factors only when asked for");
    }

    @Test
    void marketersManageOffersWithTheAdminKey() throws Exception {
        String offer = """
                {"offerId": "vip-lamps", "title": "Lamps for VIPs", "category": "lighting", "itemIds": ["lighting-009"],
                 "businessValue": 1.0, "excludeIfBought": true}
                """;
        assertEquals(401, admin("POST", "/v1/admin/offers", offer, null).statusCode());
        assertEquals(403, admin("POST", "/v1/admin/offers", offer, "guess").statusCode());
        assertError(admin("POST", "/v1/admin/offers", "{\"offerId\": \"x\", \"businessValue\": -1, \"channels\": [\"fax\"], \"colour\": 1}", ADMIN_KEY),
                400, "title");

        HttpResponse<String> created = admin("POST", "/v1/admin/offers", offer, ADMIN_KEY);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(1, body(created).get("version").asInt());
        assertEquals(409, admin("POST", "/v1/admin/offers", offer, ADMIN_KEY).statusCode());
        assertEquals("vip-lamps", body(get("/v1/customers/anyone/recommendations?limit=1&item=lighting-009")).get("offers").get(0)
                .get("offerId").asText(), "the new offer is served at once");

        HttpResponse<String> updated = admin("PUT", "/v1/admin/offers/vip-lamps", offer.replace("Lamps for VIPs", "Lamps!"), ADMIN_KEY);
        assertEquals(200, updated.statusCode(), updated.body());
        assertEquals(2, body(updated).get("version").asInt());
        assertEquals("Lamps!", body(admin("GET", "/v1/admin/offers/vip-lamps", null, ADMIN_KEY)).get("title").asText());

        HttpResponse<String> expired = admin("POST", "/v1/admin/offers/vip-lamps/expire", null, ADMIN_KEY);
        assertEquals("expired", body(expired).get("status").asText());
        JsonNode after = body(get("/v1/customers/anyone/recommendations?limit=50"));
        after.get("offers").forEach(o -> assertFalse(o.get("offerId").asText().equals("vip-lamps"), "an expired offer is never served"));
        assertEquals(404, admin("PUT", "/v1/admin/offers/nope", offer, ADMIN_KEY).statusCode());

        JsonNode listed = body(admin("GET", "/v1/admin/offers", null, ADMIN_KEY));
        assertTrue(listed.get("offers").size() >= 14);
        assertOfferInTopic("vip-lamps", 3);
    }

    @Test
    void marketersManageVersionedRulesWithFieldLevelErrors() throws Exception {
        String rule = """
                {"ruleId": "cart-abandoned", "name": "Cart abandoned", "priority": 10,
                 "when": {"kind": "absence", "first": {"type": "add_to_cart"}, "absent": {"type": "purchase"}, "within": "30m"},
                 "then": {"channel": "email", "templateId": "cart-reminder", "attachOffer": true}}
                """;
        assertEquals(401, admin("POST", "/v1/admin/rules", rule, null).statusCode());
        assertError(admin("POST", "/v1/admin/rules", rule.replace("\"30m\"", "\"soon\"").replace("\"email\"", "\"fax\""), ADMIN_KEY),
                400, "when.within");
        assertError(admin("POST", "/v1/admin/rules", rule.replace("\"email\"", "\"fax\""), ADMIN_KEY), 400, "then.channel");

        HttpResponse<String> created = admin("POST", "/v1/admin/rules", rule, ADMIN_KEY);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(1, body(created).get("version").asInt());
        assertEquals("absence", body(created).get("definition").get("when").get("kind").asText());
        assertEquals(409, admin("POST", "/v1/admin/rules", rule, ADMIN_KEY).statusCode());

        HttpResponse<String> updated = admin("PUT", "/v1/admin/rules/cart-abandoned", rule.replace("30m", "45m"), ADMIN_KEY);
        assertEquals(2, body(updated).get("version").asInt(), updated.body());
        JsonNode paused = body(admin("POST", "/v1/admin/rules/cart-abandoned/pause", null, ADMIN_KEY));
        assertEquals("paused", paused.get("status").asText());
        assertEquals(2, paused.get("version").asInt(), "pausing keeps the version, so pending waits carry on after resume");
        assertEquals("active", body(admin("POST", "/v1/admin/rules/cart-abandoned/resume", null, ADMIN_KEY)).get("status").asText());
        assertEquals(4, body(admin("GET", "/v1/admin/rules/cart-abandoned/versions", null, ADMIN_KEY)).get("versions").size());
        firstRecord(config.get(NudgeConfig.TOPIC_RULES), record -> {
            try {
                TriggerRule stored = Codecs.RULES.decode(record.value());
                return stored.getVersion() == 2 && stored.getDefinition().contains("45m");
            } catch (UndecodableMessageException e) {
                throw new AssertionError(e);
            }
        });

        assertEquals(204, admin("DELETE", "/v1/admin/rules/cart-abandoned", null, ADMIN_KEY).statusCode());
        assertEquals(404, admin("GET", "/v1/admin/rules/cart-abandoned", null, ADMIN_KEY).statusCode());
    }

    static void assertOfferInTopic(String offerId, int version) {
        firstRecord(config.get(NudgeConfig.TOPIC_OFFERS), record -> {
            try {
                Offer offer = Codecs.OFFERS.decode(record.value());
                return offer.getOfferId().equals(offerId) && offer.getVersion() == version;
            } catch (UndecodableMessageException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void badRecommendationRequestsAreRefused() throws Exception {
        assertError(get("/v1/customers/c/recommendations?limit=0"), 400, "limit");
        assertError(get("/v1/customers/c/recommendations?limit=ten"), 400, "limit");
        assertError(get("/v1/customers/" + "x".repeat(200) + "/recommendations"), 400, "id");
        assertError(get("/v1/customers/c/recommendations?explain=maybe"), 400, "explain");
        assertError(get("/v1/customers/c/recommendations?channel=fax"), 400, "channel");
        HttpResponse<String> missing = get("/v2/nothing");
        assertEquals(404, missing.statusCode());
        assertTrue(body(missing).get("error").asText().length() > 0);
    }

    @Test
    void healthMetricsAndOpenApiAreServed() throws Exception {
        JsonNode health = pollUntil("/health", h -> h.get("status").asText().equals("UP"));
        assertTrue(health.get("profilesCaughtUp").asBoolean());

        post("/v1/events", "{\"type\": \"page_view\", \"customerId\": \"metrics-1\"}");
        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("nudge_events_accepted_total"), metrics);
        assertTrue(metrics.contains("nudge_http_requests_seconds_bucket"), "request latency histogram");

        JsonNode openApi = body(get("/openapi.json"));
        assertTrue(openApi.get("paths").has("/v1/customers/{id}/recommendations"));
        assertTrue(api.routes().contains("GET /v1/admin/reports/offers ADMIN"), api.routes().toString());
        assertTrue(api.routes().contains("GET /v1/customers/{id}/recommendations SITE"), api.routes().toString());
        for (String route : api.routes()) {
            String[] parts = route.split(" ");
            String method = parts[0].toLowerCase(java.util.Locale.ROOT);
            assertTrue(openApi.get("paths").has(parts[1]) && openApi.get("paths").get(parts[1]).has(method), "openapi.json documents " + route);
            assertTrue(parts.length == 3 && List.of("PUBLIC", "SITE", "ADMIN", "PROVIDER").contains(parts[2]), "declares who may call it: " + route);
        }
        // And the other way round: every documented operation is served (a route, or the snippet as a static file).
        List<String> served = api.routes().stream().map(route -> route.substring(0, route.lastIndexOf(' '))).toList();
        openApi.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (!method.equals("parameters") && !path.getKey().equals("/nudge.js")) {
                assertTrue(served.contains(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey()),
                        "openapi.json documents " + method + " " + path.getKey() + ", which the API does not serve");
            }
        }));
        HttpResponse<String> recommendations = get("/v1/customers/someone/recommendations");
        assertEquals("private, no-store", recommendations.headers().firstValue("Cache-Control").orElse(""), "a personal answer is not cached");
        HttpResponse<String> console = get("/console/");
        assertTrue(console.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"),
                "the console allows no inline or foreign script");
        assertTrue(console.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        assertEquals("nosniff", console.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-referrer", console.headers().firstValue("Referrer-Policy").orElse(""));

        HttpResponse<String> snippet = get("/nudge.js");
        assertEquals(200, snippet.statusCode());
        assertTrue(snippet.body().contains("window.Nudge"), "the website snippet is served without a key");
        assertTrue(get("/console/").body().contains("Nudge console"), "so is the console page (its calls need the admin key)");
        assertEquals(404, get("/shop").statusCode(), "the demo shop only with api.demo.shop");
    }

    /** @param field the field the error must name, or null for an error about the request as a whole */
    static void assertError(HttpResponse<String> response, int status, String field) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = body(response);
        assertEquals(status, error.get("status").asInt());
        if (field == null) {
            assertTrue(error.get("error").asText().length() > 0, response.body());
            return;
        }
        List<String> fields = new ArrayList<>();
        error.path("fields").forEach(f -> fields.add(f.get("field").asText()));
        assertTrue(fields.contains(field), "expected an error on '" + field + "' in " + response.body());
    }

    static void publish(CustomerProfile profile) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_PROFILES),
                    profile.getProfileKey().getBytes(StandardCharsets.UTF_8), Codecs.PROFILES.encode(profile))).get();
        }
    }

    static ConsumerRecord<byte[], byte[]> readEvents(Predicate<ConsumerRecord<byte[], byte[]>> match) {
        return firstRecord(config.get(NudgeConfig.TOPIC_EVENTS), match);
    }

    static ConsumerRecord<byte[], byte[]> firstRecord(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            return await("a record on " + topic).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(record)) {
                        return record;
                    }
                }
                return null;
            }, Objects::nonNull);
        }
    }
}
