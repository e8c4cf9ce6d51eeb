package io.nudge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.experiments.Experiment;
import io.nudge.offers.NextBestOffers;
import io.nudge.experiments.ExperimentJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.config.NudgeConfig;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.DeadLetter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on the real parts, as the demo runs it: HTTP ingest, the Kafka broker (KRaft), the
 * personalization job on a Flink MiniCluster with RocksDB and checkpoints, the profiles changelog and the
 * recommendations endpoint.
 */
class EndToEndIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String FEEDBACK_SECRET = "e2e-feedback-secret-0123456789";

    @TempDir
    static Path workDir;
    static LocalStack stack;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(workDir, NudgeConfig.defaults()
                .with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s")
                .with(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT, "1s")
                // The catalogue holds only the teapot of the price-drop test: the other tests' items stay recommendable.
                .with(NudgeConfig.RECOMMEND_KNOWN_ITEMS_ONLY, false)
                // Emails at any hour of the test run, and a provider that posts feedback.
                .with(NudgeConfig.OUTREACH_QUIET_HOURS, "")
                .with(NudgeConfig.API_FEEDBACK_SECRETS, "esp=" + FEEDBACK_SECRET)
                .with(Map.of(NudgeConfig.TRENDING_WINDOW, "20s", NudgeConfig.TRENDING_SLIDE, "5s")));
        awaitValue("the API to report UP with its offers", () -> get("/health"),
                h -> h.get("status").asText().equals("UP") && h.get("offers").asInt() > 0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aShoppersRecommendationsFollowWhatTheyBrowse() throws Exception {
        JsonNode before = get("/v1/customers/e2e-shopper/recommendations?limit=3");
        assertFalse(before.get("personalized").asBoolean(), "an unknown shopper gets the fallback");

        for (int i = 1; i <= 3; i++) {
            postEvent("{\"type\":\"product_view\",\"customerId\":\"e2e-shopper\",\"itemId\":\"garden-00" + i + "\",\"category\":\"garden\"}");
        }
        JsonNode garden = awaitValue("all three views in the profile", () -> get("/v1/customers/e2e-shopper/recommendations?limit=3"),
                r -> r.get("profileSequence").asLong() >= 3);
        assertEquals(3, garden.get("profileSequence").asLong(), "one profile change per event");
        assertTrue(garden.get("personalized").asBoolean());
        assertEquals("garden", topCategory(garden), garden.toString());

        for (int i = 1; i <= 6; i++) {
            postEvent("{\"type\":\"product_view\",\"customerId\":\"e2e-shopper\",\"itemId\":\"kitchen-00" + i + "\",\"category\":\"kitchen\"}");
        }
        postEvent("{\"type\":\"add_to_cart\",\"customerId\":\"e2e-shopper\",\"itemId\":\"kitchen-001\",\"category\":\"kitchen\",\"price\":19.5,\"currency\":\"EUR\",\"quantity\":1}");
        JsonNode kitchen = awaitValue("all ten events in the profile", () -> get("/v1/customers/e2e-shopper/recommendations?limit=3"),
                r -> r.get("profileSequence").asLong() >= 10);
        assertEquals(10, kitchen.get("profileSequence").asLong(), "each event counted once");
        assertEquals("kitchen", topCategory(kitchen), kitchen.toString());
    }

    @Test
    void anEventPostedThreeTimesWithOneEventIdCountsOnce() throws Exception {
        String retried = "{\"eventId\":\"e2e-retried-1\",\"type\":\"add_to_cart\",\"customerId\":\"e2e-retrier\",\"itemId\":\"toys-007\","
                + "\"category\":\"toys\",\"quantity\":1}";
        for (int attempt = 0; attempt < 3; attempt++) {
            postEvent(retried); // a client retrying after a timeout: each attempt reached the broker
        }
        postEvent("{\"eventId\":\"e2e-retried-2\",\"type\":\"product_view\",\"customerId\":\"e2e-retrier\",\"itemId\":\"toys-008\",\"category\":\"toys\"}");
        JsonNode profile = awaitValue("the view after the retries in the profile", () -> exported("e2e-retrier"),
                p -> p.path("profile").path("recentlyViewed").toString().contains("toys-008"));
        assertEquals(2, profile.path("profile").path("sequence").asLong(), "one change for the thrice-sent cart, one for the view: " + profile);
        assertEquals(1, profile.path("profile").path("cart").size());
        assertEquals(1, profile.path("profile").path("cart").get(0).path("quantity").asInt(), "the cart line counted once");
    }

    private static JsonNode exported(String customer) throws Exception {
        return json.readTree(admin("GET", "/v1/admin/customers/" + customer + "/export", null).body());
    }

    @Test
    void anOfferDismissedThreeTimesDisappears() throws Exception {
        for (int i = 1; i <= 2; i++) {
            postEvent("{\"type\":\"product_view\",\"customerId\":\"e2e-dismisser\",\"itemId\":\"toys-00" + i + "\",\"category\":\"toys\"}");
        }
        awaitValue("toys offers first", () -> get("/v1/customers/e2e-dismisser/recommendations?limit=3"),
                r -> r.get("profileSequence").asLong() >= 2 && offerIds(r).get(0).equals("toys-wooden-15"));
        for (int i = 0; i < 3; i++) {
            postEvent("{\"type\":\"offer_dismiss\",\"customerId\":\"e2e-dismisser\",\"offerId\":\"toys-wooden-15\"}");
        }
        JsonNode after = awaitValue("the three dismissals in the profile", () -> get("/v1/customers/e2e-dismisser/recommendations?limit=20"),
                r -> r.get("profileSequence").asLong() >= 5);
        assertFalse(offerIds(after).contains("toys-wooden-15"), after.toString());
        assertTrue(offerIds(after).contains("toys-gift-wrap"), "other toys offers stay");
    }

    @Test
    void aOneOffOfferGoesOnceBoughtWhileAReplenishableOneStays() throws Exception {
        createOffer("{\"offerId\":\"e2e-kettle\",\"title\":\"A kettle for life\",\"category\":\"kitchen\",\"itemIds\":[\"kitchen-090\"],\"excludeIfBought\":true}");
        createOffer("{\"offerId\":\"e2e-coffee\",\"title\":\"Coffee refill\",\"category\":\"kitchen\",\"itemIds\":[\"kitchen-091\"]}");
        JsonNode before = get("/v1/customers/e2e-buyer/recommendations?limit=50");
        assertTrue(offerIds(before).containsAll(List.of("e2e-kettle", "e2e-coffee")), before.toString());

        for (String item : List.of("kitchen-090", "kitchen-091")) {
            postEvent("{\"type\":\"purchase\",\"customerId\":\"e2e-buyer\",\"itemId\":\"" + item
                    + "\",\"category\":\"kitchen\",\"price\":20,\"currency\":\"EUR\",\"quantity\":1,\"attributes\":{\"orderId\":\"e2e-o1\"}}");
        }
        JsonNode after = awaitValue("both purchases in the profile", () -> get("/v1/customers/e2e-buyer/recommendations?limit=50&explain=true"),
                r -> r.get("profileSequence").asLong() >= 2);
        assertFalse(offerIds(after).contains("e2e-kettle"), "bought once, not offered again");
        assertTrue(offerIds(after).contains("e2e-coffee"), "replenishable: offered again");
        JsonNode items = after.get("items");
        assertEquals(java.util.Set.of("kitchen-090", "kitchen-091"),
                java.util.Set.of(items.get(0).get("itemId").asText(), items.get(1).get("itemId").asText()),
                "what they buy leads the item list (repeat buying): " + items);
        assertTrue(items.get(0).get("explain").has("own"), items.toString());
    }

    @Test
    void aVisitorsBrowsingFollowsThemIntoTheirAccount() throws Exception {
        for (int i = 1; i <= 3; i++) {
            postEvent("{\"type\":\"product_view\",\"anonymousId\":\"e2e-anon\",\"itemId\":\"party-00" + i + "\",\"category\":\"party\"}");
        }
        awaitValue("the visitor's profile", () -> get("/v1/customers/e2e-anon/recommendations?limit=1"),
                r -> r.get("profileSequence").asLong() >= 3);
        postEvent("{\"type\":\"identify\",\"anonymousId\":\"e2e-anon\",\"customerId\":\"e2e-member\"}");
        postEvent("{\"type\":\"product_view\",\"anonymousId\":\"e2e-anon\",\"itemId\":\"party-004\",\"category\":\"party\"}");

        JsonNode member = awaitValue("the member's profile with the visitor's history", () -> get("/v1/customers/e2e-member/recommendations?limit=1"),
                r -> r.get("personalized").asBoolean() && r.get("profileSequence").asLong() >= 3);
        assertEquals("party-supplies", offerIds(member).get(0), member.toString());
        JsonNode viaCookie = awaitValue("the anonymous id to lead to the member", () -> get("/v1/customers/e2e-anon/recommendations?limit=1"),
                r -> "e2e-member".equals(r.path("profileKey").asText()));
        assertEquals(member.get("offers"), viaCookie.get("offers"));
    }

    @Test
    void aStrangerGetsWhatIsTrendingInTheCategoryOnScreen() throws Exception {
        Instant now = Instant.now();
        for (String visitor : List.of("e2e-trend-1", "e2e-trend-2", "e2e-trend-3")) {
            postEvent("{\"type\":\"product_view\",\"anonymousId\":\"" + visitor + "\",\"itemId\":\"garden-050\",\"category\":\"garden\",\"eventTime\":\"" + now + "\"}");
        }
        for (String visitor : List.of("e2e-trend-4", "e2e-trend-5")) {
            postEvent("{\"type\":\"product_view\",\"anonymousId\":\"" + visitor + "\",\"itemId\":\"garden-051\",\"category\":\"garden\",\"eventTime\":\"" + now + "\"}");
        }
        // Event time moves on only with events: one from two minutes on closes the windows holding the views.
        postEvent("{\"type\":\"page_view\",\"anonymousId\":\"e2e-clock\",\"eventTime\":\"" + now.plusSeconds(120) + "\"}");

        // Other tests browse garden too: what matters is that these views show, in their order.
        JsonNode stranger = awaitValue("trending garden items", () -> get("/v1/customers/e2e-stranger/recommendations?limit=20&category=garden&explain=true"),
                r -> itemIds(r).containsAll(List.of("garden-050", "garden-051")));
        assertFalse(stranger.get("personalized").asBoolean());
        List<String> items = itemIds(stranger);
        assertTrue(items.indexOf("garden-050") < items.indexOf("garden-051"), "three views rank above two: " + items);
        assertTrue(stranger.get("items").get(items.indexOf("garden-050")).get("explain").has("trending"), stranger.toString());
    }

    @Test
    void aRuleCreatedThroughTheApiFiresWithoutARestartAndAnUpdateChangesWhatFires() throws Exception {
        String rule = """
                {"ruleId": "e2e-cart-tip", "name": "Tip for a %s cart", "when": {"kind": "event",
                  "event": {"type": "add_to_cart", "where": {"category": "%s"}}}, "then": {"channel": "web", "templateId": "tip"}}
                """;
        long created = System.nanoTime();
        assertEquals(201, admin("POST", "/v1/admin/rules", rule.formatted("garden", "garden")).statusCode());
        int[] attempt = {0};
        JsonNode fired = awaitValue("the new rule to fire", () -> {
            String customer = "e2e-rule-v1-" + attempt[0]++;
            postEvent(cart(customer, "garden"));
            return actions("ruleId=e2e-cart-tip");
        }, actions -> actions.size() > 0);
        System.out.printf("[measured] rule created -> first action committed: %d ms%n", (System.nanoTime() - created) / 1_000_000);
        assertEquals("send", fired.get(0).get("status").asText());
        assertEquals(1, fired.get(0).get("ruleVersion").asInt());

        long updated = System.nanoTime();
        assertEquals(200, admin("PUT", "/v1/admin/rules/e2e-cart-tip", rule.formatted("kitchen", "kitchen")).statusCode());
        awaitValue("version 2 to fire on kitchen carts", () -> {
            String customer = "e2e-rule-v2-" + attempt[0]++;
            postEvent(cart(customer, "kitchen"));
            return actions("ruleId=e2e-cart-tip&limit=1");
        }, actions -> actions.size() > 0 && actions.get(0).get("ruleVersion").asInt() == 2);
        System.out.printf("[measured] rule updated -> first action of the new version committed: %d ms%n", (System.nanoTime() - updated) / 1_000_000);

        Instant at = Instant.now();
        postEvent(cart("e2e-rule-both", "garden"));
        postEvent(cart("e2e-rule-both", "kitchen"));
        JsonNode both = awaitValue("the kitchen cart's action", () -> actions("customerId=e2e-rule-both"), actions -> actions.size() > 0);
        System.out.printf("[measured] condition met (event posted) -> action committed: %d ms%n", Duration.between(at, Instant.now()).toMillis());
        assertEquals(1, both.size(), "the garden cart no longer fires: " + both);
        assertEquals(2, both.get(0).get("ruleVersion").asInt());
    }

    @Test
    void aSegmentCreatedThroughTheApiCountsItsMembersLiveWithTheirReach() throws Exception {
        long created = System.nanoTime();
        assertEquals(201, admin("POST", "/v1/admin/segments", """
                {"segmentId": "e2e-garden-carts", "name": "Two garden carts in an hour",
                 "behaviour": [{"event": {"type": "add_to_cart", "where": {"category": "garden"}}, "atLeast": 2, "within": "1h"}],
                 "boost": {"categories": {"kitchen": 5}}}
                """).statusCode());
        int[] attempt = {0};
        awaitValue("the new segment's first member", () -> {
            String customer = "e2e-segment-first-" + attempt[0]++;
            postEvent(cart(customer, "garden"));
            postEvent(cart(customer, "garden"));
            return segment("e2e-garden-carts").get("segment").get("members").asInt();
        }, members -> members > 0);
        System.out.printf("[measured] segment created -> first member counted: %d ms%n", (System.nanoTime() - created) / 1_000_000);

        // Ids that sort before the first members': the sample (the first 20 members by id) shows whether they are in.
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String customer = "e2e-segment-" + i;
            customers.add(customer);
            if (i % 2 == 0) {
                postEvent("{\"type\":\"consent_change\",\"customerId\":\"" + customer + "\",\"channel\":\"email\",\"attributes\":{\"granted\":\"true\"}}");
            }
            postEvent(cart(customer, "garden"));
            postEvent(cart(customer, "kitchen")); // not a garden cart: one so far, not enough
        }
        long lastEvent = System.nanoTime();
        for (String customer : customers) {
            postEvent(cart(customer, "garden"));
        }
        JsonNode all = awaitValue("the ten customers in the segment", () -> segment("e2e-garden-carts"),
                s -> customers.stream().allMatch(c -> s.get("sample").toString().contains("\"" + c + "\"")));
        System.out.printf("[measured] second garden cart posted -> all ten counted in the segment (1 s checkpoints, read committed): %d ms%n",
                (System.nanoTime() - lastEvent) / 1_000_000);
        int members = all.get("segment").get("members").asInt();
        assertTrue(members >= 10 && members <= 10 + attempt[0], all.toString());
        assertEquals(5, all.get("reachable").get("email").asInt(), "the five who agreed to email, of " + members);
        assertEquals(members, all.get("reachable").get("web").asInt(), "on-site messages need no consent");

        // An offer for the segment's members: shown to a member, not to a customer with one garden cart.
        postEvent(cart("e2e-segment-solo", "garden"));
        createOffer("""
                {"offerId": "e2e-garden-club", "title": "Garden club", "category": "garden", "itemIds": ["garden-001"], "businessValue": 50,
                 "segments": ["e2e-garden-carts"]}
                """);
        awaitValue("the members' offer for a member", () -> offerIds(get("/v1/customers/e2e-segment-0/recommendations?limit=5")),
                offers -> offers.contains("e2e-garden-club"));
        JsonNode solo = awaitValue("the non-member's recommendations", () -> get("/v1/customers/e2e-segment-solo/recommendations?limit=5"),
                r -> r.get("profileSequence").asLong() >= 1);
        assertTrue(!offerIds(solo).contains("e2e-garden-club"), solo.toString());

        // The segment's boost: a member's kitchen item (in the catalogue's kitchen) scores five times, a non-member's does not.
        JsonNode member = get("/v1/customers/e2e-segment-0/recommendations?limit=20&explain=true");
        assertEquals(5.0, itemFactors(member, "kitchen-001").path("segmentBoost").asDouble(), member.toString());
        String nonMember = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "e2e-segment-other-" + i)
                .filter(id -> NextBestOffers.from(NudgeConfig.defaults()).groupOf(id) == NextBestOffers.Group.TREATMENT).findFirst().orElseThrow();
        postEvent(cart(nonMember, "kitchen"));
        JsonNode other = awaitValue("the non-member's kitchen cart", () -> get("/v1/customers/" + nonMember + "/recommendations?limit=20&explain=true"),
                r -> itemFactors(r, "kitchen-001").has("own"));
        assertFalse(itemFactors(other, "kitchen-001").has("segmentBoost"), other.toString());

        assertEquals(204, admin("DELETE", "/v1/admin/segments/e2e-garden-carts", null).statusCode());
        assertEquals(404, admin("GET", "/v1/admin/segments/e2e-garden-carts", null).statusCode());
    }

    @Test
    void aHoldoutCustomerGetsNothingFromTheExperimentsRuleAndEachVariantItsOwnRule() throws Exception {
        for (String variant : List.of("a", "b")) {
            assertEquals(201, admin("POST", "/v1/admin/rules", """
                    {"ruleId": "e2e-exp-%s", "name": "Lab cart tip %s", "when": {"kind": "event",
                      "event": {"type": "add_to_cart", "where": {"category": "lab"}}}, "then": {"channel": "web", "templateId": "lab-tip-%s"}}
                    """.formatted(variant, variant, variant)).statusCode());
        }
        String definition = """
                {"name": "Which lab tip", "variants": [{"name": "a", "weight": 1, "rule": "e2e-exp-a"},
                  {"name": "b", "weight": 1, "rule": "e2e-exp-b"}, {"name": "holdout", "weight": 1, "holdout": true}]}""";
        HttpResponse<String> created = admin("POST", "/v1/admin/experiments", "{\"experimentId\": \"e2e-lab\", " + definition.substring(definition.indexOf('{') + 1));
        assertEquals(201, created.statusCode(), created.body());
        Experiment experiment = ExperimentJson.parse(definition, "e2e-lab", 1, true).experiment();
        // Until the job knows the experiment both rules fire for everyone: probe until a cart is split.
        int[] probe = {0};
        awaitValue("the job to split the lab rules", () -> {
            postEvent(cart("e2e-lab-probe-" + probe[0]++, "lab"));
            return experimentReport("e2e-lab");
        }, report -> report.get("experiment").get("exposed").asInt() > 0);

        Map<String, String> customerOf = new java.util.HashMap<>();
        for (int i = 0; customerOf.size() < 3; i++) {
            customerOf.putIfAbsent(experiment.variantFor("e2e-lab-" + i).name(), "e2e-lab-" + i);
        }
        for (String customer : customerOf.values()) {
            postEvent(cart(customer, "lab"));
        }
        for (String variant : List.of("a", "b")) {
            JsonNode fired = awaitValue(variant + "'s message", () -> actions("customerId=" + customerOf.get(variant)), a -> a.size() > 0);
            assertEquals("lab-tip-" + variant, fired.get(0).get("templateId").asText(), "each customer gets their variant's rule only: " + fired);
            assertEquals(1, fired.size(), fired.toString());
        }
        String holdout = customerOf.get("holdout");
        awaitValue("the holdout customer's exposure", () -> exported(holdout).path("profile").path("experiments"),
                experiments -> experiments.size() == 1 && experiments.get(0).get("variant").asText().equals("holdout"));
        // A later message committed proves the holdout customer's step (and anything it sent) was committed before it.
        postEvent(cart(customerOf.get("a"), "lab").replace("lab-001", "lab-002"));
        awaitValue("a's second message", () -> actions("customerId=" + customerOf.get("a")), a -> a.size() == 2);
        assertEquals(0, actions("customerId=" + holdout).size(), "the holdout customer received nothing from the experiment's rules");

        JsonNode report = experimentReport("e2e-lab");
        List<String> variants = new java.util.ArrayList<>();
        report.get("variants").forEach(v -> variants.add(v.get("name").asText()));
        assertEquals(List.of("a", "b", "holdout"), variants);
        assertTrue(report.get("variants").get(2).get("exposed").asInt() >= 1, report.toString());
        assertEquals("too early: each variant needs 100 exposed customers", report.get("comparisons").get(0).get("decision").asText());
    }

    @Test
    void aVisitorKeepsTheOfferVariantTheyWereGivenAfterLoggingIn() throws Exception {
        for (String variant : List.of("a", "b")) {
            createOffer("{\"offerId\":\"e2e-banner-" + variant + "\",\"title\":\"Banner " + variant + "\",\"category\":\"lab\"}");
        }
        String definition = """
                {"name": "Which banner", "variants": [{"name": "a", "weight": 1, "offer": "e2e-banner-a"},
                  {"name": "b", "weight": 1, "offer": "e2e-banner-b"}]}""";
        HttpResponse<String> created = admin("POST", "/v1/admin/experiments", "{\"experimentId\": \"e2e-banner\", " + definition.substring(definition.indexOf('{') + 1));
        assertEquals(201, created.statusCode(), created.body());
        Experiment experiment = ExperimentJson.parse(definition, "e2e-banner", 1, true).experiment();
        // A visitor and the customer they become whose ids hash to different variants: keeping the visitor's is the profile's doing.
        String visitor = "e2e-banner-visitor";
        String customer = null;
        for (int i = 0; customer == null; i++) {
            if (!experiment.variantFor("e2e-banner-member-" + i).equals(experiment.variantFor(visitor))) {
                customer = "e2e-banner-member-" + i;
            }
        }
        String given = "e2e-banner-" + experiment.variantFor(visitor).name();
        String other = given.endsWith("-a") ? "e2e-banner-b" : "e2e-banner-a";

        postEvent("{\"type\":\"page_view\",\"anonymousId\":\"" + visitor + "\",\"page\":\"home\"}");
        JsonNode anonymous = awaitValue("the visitor's exposure stored", () -> get("/v1/customers/" + visitor + "/recommendations?limit=50"),
                r -> r.get("profileSequence").asLong() >= 2);
        assertTrue(offerIds(anonymous).contains(given) && !offerIds(anonymous).contains(other), anonymous.toString());

        postEvent("{\"type\":\"identify\",\"anonymousId\":\"" + visitor + "\",\"customerId\":\"" + customer + "\"}");
        String member = customer;
        JsonNode loggedIn = awaitValue("the customer's profile", () -> get("/v1/customers/" + member + "/recommendations?limit=50"),
                r -> member.equals(r.path("profileKey").asText()));
        assertTrue(offerIds(loggedIn).contains(given), "the variant given before login: " + loggedIn);
        assertFalse(offerIds(loggedIn).contains(other), "not the one the customer's own id hashes to: " + loggedIn);

        JsonNode report = awaitValue("one exposure counted", () -> experimentReport("e2e-banner"), r -> r.get("experiment").get("exposed").asInt() >= 1);
        assertEquals(1, report.get("experiment").get("exposed").asInt(), "the visitor and the customer they became are one unit: " + report);
    }

    private static JsonNode experimentReport(String experimentId) throws Exception {
        return json.readTree(admin("GET", "/v1/admin/experiments/" + experimentId, null).body());
    }

    private static JsonNode segment(String segmentId) throws Exception {
        HttpResponse<String> response = admin("GET", "/v1/admin/segments/" + segmentId, null);
        assertEquals(200, response.statusCode(), response.body());
        return json.readTree(response.body());
    }

    @Test
    void aPriceDropFiresForTheCustomerWhoViewedTheItemExactlyOnce() throws Exception {
        assertEquals(201, admin("POST", "/v1/admin/rules", """
                {"ruleId": "e2e-price-drop", "name": "Cheaper now", "when": {"kind": "price_drop", "atLeastPercent": 10, "within": "1d"},
                 "then": {"channel": "web", "templateId": "price-drop"}}""").statusCode());
        double[] price = {100};
        assertEquals(201, admin("PUT", "/v1/admin/items/e2e-teapot", "{\"title\": \"Cast iron teapot\", \"price\": 100, \"currency\": \"EUR\"}")
                .statusCode());
        // The rule and the item reach the job through their topics in their own time: until they have, a drop may
        // pass unseen, so each round a new customer views the teapot and its price drops a fifth.
        int[] round = {0};
        long[] droppedAt = {0};
        JsonNode fired = awaitValue("a price drop to fire the rule", () -> {
            String customer = viewTeapot("e2e-watcher-" + round[0]++, price[0]);
            price[0] = Math.round(price[0] * 80) / 100.0;
            droppedAt[0] = System.nanoTime();
            assertEquals(200, admin("PATCH", "/v1/admin/items/e2e-teapot", "{\"price\": " + price[0] + "}").statusCode());
            return actions("ruleId=e2e-price-drop");
        }, actions -> actions.size() > 0);
        String customer = fired.get(0).get("customerId").asText();
        assertEquals("Cast iron teapot", fired.get(0).get("payload").get("itemTitle").asText(), fired.toString());

        // One more drop, seen by a new customer: once their action is there, the first customer's view has met two
        // drops, and must have fired once.
        String last = viewTeapot("e2e-watcher-last", price[0]);
        long dropped = System.nanoTime();
        assertEquals(200, admin("PATCH", "/v1/admin/items/e2e-teapot", "{\"price\": " + Math.round(price[0] * 80) / 100.0 + "}").statusCode());
        awaitValue("the last viewer's action", () -> actions("ruleId=e2e-price-drop&customerId=" + last), actions -> actions.size() > 0);
        System.out.printf("[measured] price dropped through the API -> outreach action committed: %d ms%n", (System.nanoTime() - dropped) / 1_000_000);
        assertEquals(1, actions("ruleId=e2e-price-drop&customerId=" + customer).size(), "two drops after one view fire once");
    }

    @Test
    void anUnsubscribeReportedByTheProviderSuppressesTheNextEmailWithTheReason() throws Exception {
        assertEquals(201, admin("POST", "/v1/admin/rules", """
                {"ruleId": "e2e-cart-email", "name": "Cart email", "when": {"kind": "event", "event": {"type": "add_to_cart", "where": {"itemId": "toys-099"}}},
                 "then": {"channel": "email", "templateId": "cart-reminder"}}""").statusCode());
        postEvent("{\"type\":\"consent_change\",\"customerId\":\"e2e-mailer\",\"channel\":\"email\",\"attributes\":{\"granted\":\"true\"}}");
        String cart = "{\"type\":\"add_to_cart\",\"customerId\":\"e2e-mailer\",\"itemId\":\"toys-099\",\"category\":\"toys\",\"quantity\":1}";
        JsonNode sent = awaitValue("the email rule to send", () -> {
            postEvent(cart);
            return actions("ruleId=e2e-cart-email&customerId=e2e-mailer&status=send");
        }, actions -> actions.size() > 0);
        String actionId = sent.get(0).get("actionId").asText();

        String report = "{\"kind\": \"unsubscribed\", \"actionId\": \"" + actionId + "\", \"customerId\": \"e2e-mailer\", \"channel\": \"email\"}";
        assertEquals(401, feedback("esp", report, "wrong-secret-0123456789").statusCode(), "unsigned by the provider's secret");
        assertEquals(404, feedback("nobody", report, FEEDBACK_SECRET).statusCode());
        HttpResponse<String> accepted = feedback("esp", report, FEEDBACK_SECRET);
        assertEquals(202, accepted.statusCode(), accepted.body());
        assertEquals(1, json.readTree(accepted.body()).get("consentChanges").asInt());
        assertEquals(202, feedback("esp", report, FEEDBACK_SECRET).statusCode(), "a provider's retry is taken (and counts once)");

        postEvent(cart);
        JsonNode suppressed = awaitValue("the next email, suppressed", () -> actions("ruleId=e2e-cart-email&customerId=e2e-mailer&limit=1"),
                actions -> actions.size() > 0 && actions.get(0).get("reason").asText().contains("no consent for email"));
        assertEquals("suppressed", suppressed.get(0).get("status").asText(), suppressed.toString());
        JsonNode outreachReport = awaitValue("the unsubscribe in the outreach report", () -> json.readTree(admin("GET", "/v1/admin/reports/outreach", null).body()),
                r -> r.get("rules").toString().contains("e2e-cart-email"));
        JsonNode rule = null;
        for (JsonNode one : outreachReport.get("rules")) {
            rule = one.get("ruleId").asText().equals("e2e-cart-email") ? one : rule;
        }
        assertEquals(1, rule.get("unsubscribed").asInt(), "posted twice, counted once: " + rule);

        // The customer's own contact history, in their profile: the email unsubscribed from, and the one suppressed since.
        JsonNode history = awaitValue("the contact history in the profile", () -> exported("e2e-mailer").path("profile").path("contactHistory"),
                h -> h.toString().contains("UNSUBSCRIBED") && h.toString().contains("SUPPRESSED"));
        JsonNode unsubscribed = null;
        for (JsonNode contact : history) {
            unsubscribed = contact.get("actionId").asText().equals(actionId) ? contact : unsubscribed;
        }
        assertEquals("UNSUBSCRIBED", unsubscribed.get("status").asText(), history.toString());
        assertEquals("SUPPRESSED", history.get(0).get("status").asText(), "newest first: " + history);
    }

    private static HttpResponse<String> feedback(String provider, String body, String secret) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(uri("/v1/feedback/" + provider)).header("Content-Type", "application/json")
                .header("Nudge-Signature", io.nudge.delivery.WebhookSignature.sign(secret.getBytes(StandardCharsets.UTF_8), Instant.now().getEpochSecond(), bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code customer} views the teapot at {@code price}; returns once their profile holds the view. */
    private static String viewTeapot(String customer, double price) throws Exception {
        postEvent("{\"type\":\"product_view\",\"customerId\":\"" + customer + "\",\"itemId\":\"e2e-teapot\",\"category\":\"kitchen\",\"price\":"
                + price + ",\"currency\":\"EUR\"}");
        awaitValue("the view in " + customer + "'s profile", () -> get("/v1/customers/" + customer + "/recommendations?limit=1"),
                r -> r.get("profileSequence").asLong() >= 1);
        return customer;
    }

    private static String cart(String customer, String category) {
        return "{\"type\":\"add_to_cart\",\"customerId\":\"" + customer + "\",\"itemId\":\"" + category
                + "-001\",\"category\":\"" + category + "\",\"quantity\":1}";
    }

    private static JsonNode actions(String query) throws Exception {
        return json.readTree(admin("GET", "/v1/admin/outreach?" + query, null).body()).get("actions");
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + stack.api().adminKey())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aForgottenCustomerIsNoLongerVisibleThroughAnyApi() throws Exception {
        postEvent("{\"type\":\"product_view\",\"anonymousId\":\"e2e-forget-anon\",\"itemId\":\"toys-001\",\"category\":\"toys\"}");
        postEvent("{\"type\":\"identify\",\"anonymousId\":\"e2e-forget-anon\",\"customerId\":\"e2e-forget-me\"}");
        postEvent("{\"type\":\"add_to_cart\",\"customerId\":\"e2e-forget-me\",\"itemId\":\"kitchen-001\",\"category\":\"kitchen\",\"quantity\":1}");
        awaitValue("the customer's profile with the visitor's history", () -> get("/v1/customers/e2e-forget-me/recommendations?limit=1"),
                r -> r.get("personalized").asBoolean() && r.get("profileSequence").asLong() >= 3);

        HttpResponse<String> forgotten = admin("DELETE", "/v1/admin/customers/e2e-forget-me", null);
        assertEquals(202, forgotten.statusCode(), forgotten.body());
        assertEquals(List.of("e2e-forget-me", "e2e-forget-anon"), List.of(json.readTree(forgotten.body()).get("forgottenIds").get(0).asText(),
                json.readTree(forgotten.body()).get("forgottenIds").get(1).asText()));
        postEvent("{\"type\":\"product_view\",\"customerId\":\"e2e-forget-me\",\"itemId\":\"toys-002\",\"category\":\"toys\"}");

        awaitTombstones(List.of("e2e-forget-me", "e2e-forget-anon"));
        for (String id : List.of("e2e-forget-me", "e2e-forget-anon")) {
            JsonNode answer = get("/v1/customers/" + id + "/recommendations?limit=1");
            assertFalse(answer.get("personalized").asBoolean(), answer.toString());
            assertTrue(answer.get("profileKey").isNull(), answer.toString());
            assertEquals(0, actions("customerId=" + id).size());
        }
        assertEquals(401, http.send(HttpRequest.newBuilder(uri("/v1/admin/customers/e2e-forget-me")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "forgetting needs the admin key");
    }

    /** Waits until the job has written a deletion of each id to the profiles changelog. */
    private static void awaitTombstones(List<String> ids) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-tombstones-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        java.util.Set<String> missing = new java.util.HashSet<>(ids);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.config().get(NudgeConfig.TOPIC_PROFILES)));
            Awaitility.await("a deletion of each in the profiles changelog").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            if (record.value() == null) {
                                missing.remove(new String(record.key(), StandardCharsets.UTF_8));
                            }
                        }
                        return missing.isEmpty();
                    });
        }
    }

    @Test
    void anUndecodableRecordGoesToTheDeadLetterTopicAndTheJobCarriesOn() throws Exception {
        byte[] garbage = "not an avro event".getBytes(StandardCharsets.UTF_8);
        RecordMetadata written = produceRaw(stack.config().get(NudgeConfig.TOPIC_EVENTS), "mystery".getBytes(StandardCharsets.UTF_8), garbage);

        DeadLetter deadLetter = awaitDeadLetter(d -> d.getSourcePartition() == written.partition() && d.getSourceOffset() == written.offset());
        assertTrue(deadLetter.getReason().startsWith("undecodable"), deadLetter.getReason());
        assertEquals(stack.config().get(NudgeConfig.TOPIC_EVENTS), deadLetter.getSourceTopic());
        assertEquals("not an avro event", StandardCharsets.UTF_8.decode(deadLetter.getPayload()).toString(), "raw bytes kept");

        postEvent("{\"type\":\"product_view\",\"customerId\":\"e2e-after-garbage\",\"itemId\":\"toys-001\",\"category\":\"toys\"}");
        awaitValue("the next event to be reflected", () -> get("/v1/customers/e2e-after-garbage/recommendations?limit=1"),
                r -> r.get("personalized").asBoolean());
        assertEquals(JobStatus.RUNNING, stack.jobStatus());
    }

    @Test
    void everyValidEventIsArchivedAsAvroByEventHour() throws Exception {
        Instant at = Instant.now().minusSeconds(30);
        postEvent("{\"eventId\":\"e2e-archived-1\",\"type\":\"search\",\"customerId\":\"e2e-archivist\",\"category\":\"toys\",\"eventTime\":\"" + at + "\"}");
        Path archive = Path.of(URI.create(stack.config().get(NudgeConfig.ARCHIVE_DIR)));
        String hour = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd/HH").withZone(java.time.ZoneOffset.UTC).format(at);

        Path file = awaitValue("the event in a finished archive file", () -> archivedFileWith(archive, "e2e-archived-1"), Optional::isPresent).orElseThrow();
        assertTrue(file.getParent().endsWith(Path.of(hour)), file + " is filed under the event's hour " + hour);
    }

    private static Optional<Path> archivedFileWith(Path archive, String eventId) throws Exception {
        if (!Files.isDirectory(archive)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(archive)) {
            // Files still being written are hidden (leading dot) until their checkpoint completes.
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".avro") && !p.getFileName().toString().startsWith(".")).toList()) {
                try (var reader = new org.apache.avro.file.DataFileReader<>(file.toFile(),
                        new org.apache.avro.specific.SpecificDatumReader<>(io.nudge.schemas.InteractionEvent.class))) {
                    for (io.nudge.schemas.InteractionEvent event : reader) {
                        if (event.getEventId().equals(eventId)) {
                            return Optional.of(file);
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void theJobCompletesCheckpoints() throws Exception {
        Path checkpoints = Path.of(URI.create(stack.config().get(NudgeConfig.JOB_CHECKPOINT_DIR)));
        Path metadata = awaitValue("a completed checkpoint", () -> completedCheckpoint(checkpoints), Optional::isPresent).orElseThrow();
        assertTrue(Files.size(metadata) > 0);
    }

    private static Optional<Path> completedCheckpoint(Path checkpoints) throws Exception {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(checkpoints)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .filter(p -> p.getParent().getFileName().toString().startsWith("chk-"))
                    .findFirst();
        }
    }

    private static List<String> itemIds(JsonNode recommendations) {
        List<String> ids = new java.util.ArrayList<>();
        recommendations.get("items").forEach(item -> ids.add(item.get("itemId").asText()));
        return ids;
    }

    /** The factors that made an item's score, or an empty node when it is not recommended. */
    private static JsonNode itemFactors(JsonNode recommendations, String itemId) {
        for (JsonNode item : recommendations.get("items")) {
            if (item.get("itemId").asText().equals(itemId)) {
                return item.path("explain");
            }
        }
        return json.createObjectNode();
    }

    private static List<String> offerIds(JsonNode recommendations) {
        List<String> ids = new java.util.ArrayList<>();
        recommendations.get("offers").forEach(offer -> ids.add(offer.get("offerId").asText()));
        return ids;
    }

    private static void createOffer(String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/admin/offers"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + stack.api().adminKey())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
    }

    private static String topCategory(JsonNode recommendations) {
        return recommendations.get("offers").get(0).path("category").asText();
    }

    private static void postEvent(String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/events"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + siteKey()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + siteKey()).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    /** The key the stack generated for its site (none is configured here). */
    private static String siteKey() {
        return stack.api().siteKey();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + stack.api().port() + path);
    }

    private static RecordMetadata produceRaw(String topic, byte[] key, byte[] value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static DeadLetter awaitDeadLetter(Predicate<DeadLetter> match) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-dlq-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.config().get(NudgeConfig.TOPIC_EVENTS_DLQ)));
            return Awaitility.await("a matching dead letter").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    DeadLetter deadLetter = Codecs.DEAD_LETTERS.decode(record.value());
                    if (match.test(deadLetter)) {
                        return deadLetter;
                    }
                }
                return null;
            }, java.util.Objects::nonNull);
        }
    }

    @FunctionalInterface
    interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls {@code probe} until {@code done} holds, failing with the last value seen after the deadline. */
    private static <T> T awaitValue(String what, Probe<T> probe, Predicate<T> done) {
        return Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(probe::get, done::test);
    }
}
