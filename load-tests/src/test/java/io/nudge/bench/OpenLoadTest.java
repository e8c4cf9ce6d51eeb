package io.nudge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.Javalin;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenLoadTest {

    private final AtomicInteger served = new AtomicInteger();
    private Javalin server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        server = Javalin.create(config -> config.showJavalinBanner = false)
                .get("/ok", ctx -> {
                    served.incrementAndGet();
                    ctx.result("{}").contentType("application/json");
                })
                .get("/slow", ctx -> {
                    served.incrementAndGet();
                    Thread.sleep(200);
                    ctx.result("{}");
                })
                .get("/broken", ctx -> ctx.status(500))
                .start("127.0.0.1", 0);
        client = new HttpClient();
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        server.stop();
    }

    private OpenLoad load(String path) {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + path);
        return new OpenLoad(client, index -> uri, null);
    }

    @Test
    void sendsEveryScheduledRequestAndRecordsEachLatency() throws Exception {
        OpenLoad.Run run = load("/ok").atRate(200, Duration.ofSeconds(2));

        assertEquals(400, run.requests());
        assertEquals(400, served.get(), "the server saw every request");
        assertEquals(400, run.latencies().getTotalCount());
        assertEquals(0, run.errors());
    }

    @Test
    void aSlowServerShowsInTheLatencyNotInAReducedLoad() throws Exception {
        client.setMaxConnectionsPerDestination(2); // two requests at a time: 10/s at most against 200 ms each
        OpenLoad.Run run = load("/slow").atRate(20, Duration.ofSeconds(2));

        assertEquals(40, run.requests());
        assertTrue(run.percentileMillis(99) > 1_000, "requests queued behind the slow ones count from their scheduled start: p99 "
                + run.percentileMillis(99) + " ms");
    }

    @Test
    void failedAnswersAreCounted() throws Exception {
        OpenLoad.Run run = load("/broken").maxThroughput(4, Duration.ofMillis(500));

        assertTrue(run.requests() > 0);
        assertEquals(run.requests(), run.errors());
    }
}
