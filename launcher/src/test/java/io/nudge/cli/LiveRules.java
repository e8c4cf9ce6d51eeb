package io.nudge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.serving.ServingApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.awaitility.Awaitility;

/**
 * A rule reaches the job through the rules topic within seconds, and an event that arrives before it rightly
 * gets nothing. Tests that count actions therefore start their traffic only once a warm-up event has fired.
 */
final class LiveRules {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LiveRules() {}

    /**
     * Posts {@code warmUp.apply(n)} (an event for customer "warm-up-n") every 200 ms until one of the
     * {@code dispatchers} has recorded an action for a warm-up customer.
     */
    static void awaitFiring(String base, String siteKey, IntFunction<String> warmUp, List<ServingApi> dispatchers, Duration deadline) {
        AtomicInteger n = new AtomicInteger();
        Awaitility.await("the rule fired for a warm-up customer").atMost(deadline).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (dispatchers.stream().anyMatch(api -> !api.outbox().recent(action -> action.getCustomerId().startsWith("warm-up-"), 1).isEmpty())) {
                return true;
            }
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + siteKey)
                    .POST(HttpRequest.BodyPublishers.ofString(warmUp.apply(n.getAndIncrement()))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, response.statusCode(), response.body());
            return false;
        });
    }

    /** A cart for customer "warm-up-n". */
    static String cart(int n) {
        return "{\"type\":\"add_to_cart\",\"customerId\":\"warm-up-" + n + "\",\"itemId\":\"lamp\",\"quantity\":1}";
    }
}
