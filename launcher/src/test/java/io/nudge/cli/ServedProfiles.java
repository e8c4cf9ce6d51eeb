package io.nudge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/** What the serving API shows of profiles, polled until it is as a test expects. */
final class ServedProfiles {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServedProfiles() {}

    /**
     * Polls until every customer's served profile has the expected sequence (the number of events applied to it).
     *
     * @param base the API's base URL, asked again on every round (the API may be restarted meanwhile)
     * @return when they all had it ({@link System#nanoTime()})
     * @throws AssertionError naming the customers still off (id=sequence seen) when {@code deadline} passes
     */
    static long awaitSequences(Supplier<String> base, String siteKey, Map<String, Long> expected, Duration deadline) {
        Awaitility.await("every profile at its expected sequence; those off (id=seen)").atMost(deadline).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Map<String, Long> off = new TreeMap<>();
                    for (Map.Entry<String, Long> customer : expected.entrySet()) {
                        String id = URLEncoder.encode(customer.getKey(), StandardCharsets.UTF_8).replace("+", "%20");
                        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base.get() + "/v1/customers/" + id
                                + "/recommendations?limit=1")).header("Authorization", "Bearer " + siteKey).build(), HttpResponse.BodyHandlers.ofString());
                        long sequence = response.statusCode() == 200 ? JSON.readTree(response.body()).path("profileSequence").asLong(0) : -1;
                        if (sequence != customer.getValue()) {
                            off.put(customer.getKey(), sequence);
                        }
                    }
                    return off;
                }, Map::isEmpty);
        return System.nanoTime();
    }
}
