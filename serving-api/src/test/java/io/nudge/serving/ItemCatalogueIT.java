package io.nudge.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.config.NudgeConfig;
import io.nudge.kafka.LocalKafkaBroker;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
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
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The item catalogue through the API on a real broker: items put one by one or by the hundred, what is recommended
 * carries the shop's description, and an item sold out disappears from recommendations at once and comes back
 * when restocked.
 */
class ItemCatalogueIT {

    private static final String ADMIN_KEY = "items-admin-key";
    private static final String SITE_KEY = "items-site-key";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static LocalKafkaBroker broker;
    static ServingApi api;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        NudgeConfig config = NudgeConfig.defaults().with(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers())
                .with(NudgeConfig.HTTP_PORT, 0).with(NudgeConfig.API_ADMIN_KEY, ADMIN_KEY).with(NudgeConfig.API_SITE_KEYS, "web=" + SITE_KEY)
                .with(NudgeConfig.OFFERS_CONTROL_FRACTION, 0);
        TopicSetup.ensureTopics(config);
        publishTeaLover(config);
        api = ServingApi.start(config);
        ServingApiIT.await("the API ready").until(api::isReady);
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
        broker.close();
    }

    @Test
    void itemsPutByTheHundredOrOneByOneAreRecommendedWithTheirDescriptionAndOnlyWhileInStock() throws Exception {
        assertEquals(201, send("PUT", "/v1/admin/items/tea", """
                {"title": "Assam tea", "url": "https://shop.example/p/tea", "imageUrl": "https://shop.example/img/tea.jpg",
                 "category": "drinks", "categoryPath": ["food", "drinks"], "price": 6.5, "currency": "EUR", "stock": 40}""").statusCode());
        HttpResponse<String> batch = send("POST", "/v1/admin/items", """
                [{"itemId": "tea", "title": "Assam tea", "url": "https://shop.example/p/tea", "imageUrl": "https://shop.example/img/tea.jpg",
                  "category": "drinks", "categoryPath": ["food", "drinks"], "price": 6.5, "currency": "EUR", "stock": 40},
                 {"itemId": "mug", "title": "Stoneware mug", "price": 12, "currency": "EUR"},
                 {"itemId": "kettle", "price": -3, "currency": "euro"}]""");
        assertEquals(200, batch.statusCode(), batch.body());
        JsonNode results = JSON.readTree(batch.body()).get("results");
        assertEquals("unchanged", results.get(0).get("status").asText(), "the same content again makes no new version");
        assertEquals(1, results.get(0).get("version").asInt());
        assertEquals("created", results.get(1).get("status").asText());
        assertEquals("rejected", results.get(2).get("status").asText());
        List<String> fields = new ArrayList<>();
        results.get(2).get("fields").forEach(field -> fields.add(field.get("field").asText()));
        assertTrue(fields.containsAll(List.of("title", "price", "currency")), fields.toString());

        JsonNode tea = ServingApiIT.await("tea recommended with its description").until(() -> recommendedItem("tea"), item -> item != null);
        assertEquals("Assam tea", tea.get("title").asText());
        assertEquals(6.5, tea.get("price").asDouble());
        assertEquals("https://shop.example/img/tea.jpg", tea.get("imageUrl").asText());

        long soldOutAt = System.nanoTime();
        assertEquals(200, send("PATCH", "/v1/admin/items/tea", "{\"availability\": \"out_of_stock\", \"stock\": 0}").statusCode());
        Awaitility.await("tea gone from the recommendations").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> recommendedItem("tea") == null);
        long goneAfter = (System.nanoTime() - soldOutAt) / 1_000_000;
        assertEquals(200, send("PATCH", "/v1/admin/items/tea", "{\"availability\": \"in_stock\", \"stock\": 25}").statusCode());
        long restockedAt = System.nanoTime();
        Awaitility.await("tea back in the recommendations").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> recommendedItem("tea") != null);
        System.out.printf("[measured] item set out of stock -> gone from recommendations: %d ms; restocked -> back: %d ms%n",
                goneAfter, (System.nanoTime() - restockedAt) / 1_000_000);

        JsonNode listed = JSON.readTree(send("GET", "/v1/admin/items?query=ASSAM", null).body());
        assertEquals(2, listed.get("total").asInt());
        assertEquals("tea", listed.get("items").get(0).get("itemId").asText());
        assertEquals(3, listed.get("items").get(0).get("version").asInt(), "created, sold out, restocked");
        assertEquals(400, send("PATCH", "/v1/admin/items/tea", "{\"title\": \"renamed\"}").statusCode(), "only availability, price, stock");
        assertEquals(404, send("PATCH", "/v1/admin/items/nothing", "{\"price\": 1}").statusCode());
    }

    /** The recommended item {@code itemId} of the tea lover's answer, or null. */
    private static JsonNode recommendedItem(String itemId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port()
                + "/v1/customers/tea-lover/recommendations?limit=10")).header("Authorization", "Bearer " + SITE_KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode item : JSON.readTree(response.body()).get("items")) {
            if (item.get("itemId").asText().equals(itemId)) {
                return item;
            }
        }
        return null;
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A customer who keeps looking at tea and mugs, as the job would have written them. */
    private static void publishTeaLover(NudgeConfig config) throws Exception {
        ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
        CustomerProfile profile = null;
        Instant at = Instant.now().minusSeconds(120);
        for (int view = 0; view < 6; view++) {
            profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId("view-" + view).setCustomerId("tea-lover")
                    .setType(EventType.PRODUCT_VIEW).setEventTime(at.plusSeconds(view)).setItemId(view % 2 == 0 ? "tea" : "mug")
                    .setCategory("drinks").build());
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_PROFILES), "tea-lover".getBytes(StandardCharsets.UTF_8),
                    Codecs.PROFILES.encode(profile))).get();
        }
    }
}
