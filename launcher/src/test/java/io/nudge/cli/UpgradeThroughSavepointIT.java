package io.nudge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running job is stopped with a savepoint and started again from it, as an upgrade does. Every customer's
 * profile must carry on from where it was: the next event makes sequence 3, not a fresh profile's 1. (That state
 * written with an older schema migrates on restore is shown by {@code ProfileStateUpgradeTest}.)
 */
class UpgradeThroughSavepointIT {

    private static final int CUSTOMERS = 25;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String SITE_KEY = "upgrade-test-site-key";

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path workDir;

    @Test
    void everyProfileCarriesOnAfterStopWithSavepointAndRestart() throws Exception {
        carriesOnThroughASavepoint(1, LocalStack::upgradeJobThroughSavepoint);
    }

    @Test
    void everyProfileCarriesOnWhenTheJobIsRescaledFromTwoToFour() throws Exception {
        carriesOnThroughASavepoint(2, stack -> stack.rescaleJobThroughSavepoint(4));
    }

    @FunctionalInterface
    private interface Restart {
        Path restart(LocalStack stack) throws Exception;
    }

    /** Two views per customer, a stop with savepoint and a restart as {@code restart} does it, a third view each. */
    private void carriesOnThroughASavepoint(int parallelism, Restart restart) throws Exception {
        try (LocalStack stack = LocalStack.start(workDir, NudgeConfig.defaults().with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s").with(NudgeConfig.API_SITE_KEYS, "shop=" + SITE_KEY)
                .with(NudgeConfig.JOB_PARALLELISM, parallelism).with(NudgeConfig.TOPIC_PARTITIONS, 4)
                .with(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT, "1s"))) {
            String base = "http://127.0.0.1:" + stack.api().port();
            for (int view = 0; view < 2; view++) {
                for (int i = 0; i < CUSTOMERS; i++) {
                    postView(base, i, "lamp-" + view);
                }
            }
            awaitSequences(base, 2);

            long stopped = System.nanoTime();
            Path savepoint = restart.restart(stack);
            System.out.printf("[measured] stop with savepoint + restart (parallelism %d before): %d ms%n", parallelism,
                    (System.nanoTime() - stopped) / 1_000_000);
            assertTrue(Files.exists(savepoint.resolve("_metadata")), "a complete savepoint at " + savepoint);

            for (int i = 0; i < CUSTOMERS; i++) {
                postView(base, i, "lamp-2");
            }
            awaitSequences(base, 3);
        }
    }

    private void postView(String base, int customer, String item) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + SITE_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"product_view\",\"customerId\":\"upgrader-" + customer
                        + "\",\"itemId\":\"" + item + "\",\"category\":\"lighting\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
    }

    /** Polls until every customer's served profile has {@code sequence}; fails naming those that do not. */
    private static void awaitSequences(String base, long sequence) throws Exception {
        ServedProfiles.awaitSequences(() -> base, SITE_KEY,
                IntStream.range(0, CUSTOMERS).boxed().collect(Collectors.toMap(i -> "upgrader-" + i, i -> sequence)), DEADLINE);
    }
}
