package io.nudge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.OutreachAction;
import io.nudge.serving.ServingApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two serving replicas behind a round-robin balancer, as deployed to scale reads out. Each materialises the whole
 * changelog, so either answers for any customer: writes through one must show on both, the answers must agree, and
 * the reference dispatchers (one consumer group) must share the outreach so each action is dispatched once.
 */
class ServingReplicasIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int CUSTOMERS = 60;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path workDir;

    @Test
    void twoReplicasAnswerAlikeForEveryCustomerWhicheverTookTheirEvents() throws Exception {
        NudgeConfig config = NudgeConfig.defaults()
                .with(NudgeConfig.HTTP_PORT, 0)
                // Replicas share their keys by configuration; generated ones would differ per replica.
                .with(NudgeConfig.API_ADMIN_KEY, "replica-admin-key")
                .with(NudgeConfig.API_SITE_KEYS, "shop=replica-site-key")
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s")
                .with(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT, "1s");
        try (LocalStack stack = LocalStack.start(workDir, config);
             ServingApi second = ServingApi.start(stack.config())) {
            awaitReady(second);
            List<String> replicas = List.of("http://127.0.0.1:" + stack.api().port(), "http://127.0.0.1:" + second.port());
            post(replicas.get(1) + "/v1/admin/rules", "replica-admin-key", """
                    {"ruleId": "cart-tip", "name": "Tip on every cart", "when": {"kind": "event", "event": {"type": "add_to_cart"}},
                     "then": {"channel": "web", "templateId": "tip"}}
                    """, 201);
            awaitRuleOnBoth(replicas);
            LiveRules.awaitFiring(replicas.get(0), "replica-site-key", LiveRules::cart, List.of(stack.api(), second), DEADLINE);

            // Round robin: each customer's view through one replica, the cart through the other.
            for (int i = 0; i < CUSTOMERS; i++) {
                String customer = "\"customerId\":\"shopper-" + i + "\"";
                post(replicas.get(i % 2) + "/v1/events", "replica-site-key",
                        "{\"type\":\"product_view\"," + customer + ",\"itemId\":\"lamp-" + (i % 7) + "\",\"category\":\"lighting\"}", 202);
                post(replicas.get((i + 1) % 2) + "/v1/events", "replica-site-key",
                        "{\"type\":\"add_to_cart\"," + customer + ",\"itemId\":\"lamp-" + (i % 7) + "\",\"quantity\":1}", 202);
            }

            Map<String, Long> bothEvents = IntStream.range(0, CUSTOMERS).boxed().collect(Collectors.toMap(i -> "shopper-" + i, i -> 2L));
            for (String replica : replicas) {
                ServedProfiles.awaitSequences(() -> replica, "replica-site-key", bothEvents, DEADLINE);
            }
            for (int i = 0; i < CUSTOMERS; i++) {
                awaitSameAnswer(replicas, "/v1/customers/shopper-" + i + "/recommendations?limit=5&explain=true");
            }

            Awaitility.await("every cart's action dispatched").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                    .until(() -> shoppersActions(stack.api()).size() + shoppersActions(second).size() >= CUSTOMERS);
            Set<String> dispatchedByFirst = shoppersActions(stack.api());
            Set<String> dispatchedBySecond = shoppersActions(second);
            Set<String> all = new HashSet<>(dispatchedByFirst);
            all.addAll(dispatchedBySecond);
            assertEquals(CUSTOMERS, all.size(), "every cart's action dispatched by one replica or the other");
            assertEquals(CUSTOMERS, dispatchedByFirst.size() + dispatchedBySecond.size(), "no action dispatched by both replicas");
            System.out.printf("[measured] two replicas: %d customers' events split across them, both serve every profile alike; "
                    + "actions dispatched %d + %d, none twice%n", CUSTOMERS, dispatchedByFirst.size(), dispatchedBySecond.size());
        }
    }

    private static Set<String> shoppersActions(ServingApi replica) {
        return replica.outbox().recent(action -> action.getCustomerId().startsWith("shopper-"), Integer.MAX_VALUE).stream()
                .map(OutreachAction::getActionId).collect(Collectors.toSet());
    }

    /** Polls until both replicas give the same answer: one may apply a changelog record a moment before the other. */
    private void awaitSameAnswer(List<String> replicas, String path) {
        Awaitility.await("both replicas answer alike on " + path).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> get(replicas.get(0) + path).equals(get(replicas.get(1) + path)));
    }

    /** A rule written through one replica reaches the other's rule book. */
    private void awaitRuleOnBoth(List<String> replicas) {
        for (String replica : replicas) {
            Awaitility.await("the rule reached " + replica).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                    .until(() -> get(replica + "/v1/admin/rules/cart-tip", "replica-admin-key").contains("\"cart-tip\""));
        }
    }

    private String get(String url) throws Exception {
        return get(url, "replica-site-key");
    }

    private String get(String url, String key) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private void post(String url, String key, String body, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, response.statusCode(), response.body());
    }

    private static void awaitReady(ServingApi api) {
        Awaitility.await("the second replica caught up with the changelogs").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(api::isReady);
    }
}
