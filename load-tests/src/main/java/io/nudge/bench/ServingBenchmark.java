package io.nudge.bench;

import io.javalin.Javalin;
import io.nudge.config.NudgeConfig;
import io.nudge.serving.ServingApi;
import io.nudge.serving.kafka.TopicSetup;
import io.nudge.traffic.ClickstreamGenerator;
import io.nudge.traffic.ShopCatalogue;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.ContentResponse;

/**
 * The recommendations endpoint under load, with a realistic store (profiles from {@link BenchData}, an offers
 * list, requests with page context, some anonymous visitors), against its ceiling on this machine: a bare
 * Javalin endpoint in the same process returning a fixed JSON body of the same size. The same client measures
 * both, first as fast as it can (closed loop), then at fixed arrival rates (open model).
 */
public final class ServingBenchmark {

    /** Concurrent requests of the closed-loop run that finds the maximum throughput. */
    public static final int CONCURRENCY = 64;

    /**
     * One load phase against one endpoint.
     *
     * @param serverP99Millis the recommendations route's own p99 over the phase, from its {@code /metrics} histogram (the
     *                        upper bound of the bucket holding it); NaN for the bare endpoint
     */
    public record Phase(String endpoint, int rate, OpenLoad.Run run, double serverP99Millis) {
        /** 0 for the closed-loop run. */
        public boolean isMax() {
            return rate == 0;
        }

        public double perSecond() {
            return run.perSecond();
        }

        public long errors() {
            return run.errors();
        }

        public double p50() {
            return run.percentileMillis(50);
        }

        public double p99() {
            return run.percentileMillis(99);
        }

        public double p999() {
            return run.percentileMillis(99.9);
        }
    }

    public record Result(int profiles, int offers, int bodyBytes, List<Phase> phases) {
        public double maxPerSecond(String endpoint) {
            return phases.stream().filter(p -> p.endpoint().equals(endpoint) && p.isMax()).mapToDouble(Phase::perSecond).max().orElse(0);
        }

        public double throughputRatio() {
            return maxPerSecond(NUDGE) / maxPerSecond(BARE);
        }
    }

    public static final String NUDGE = "recommendations";
    public static final String BARE = "bare Javalin";
    private static final String PATH = "/v1/customers/%s/recommendations";
    private static final String SITE_KEY = "bench-site-key";
    private static final String AUTHORIZATION = "Bearer " + SITE_KEY;

    private ServingBenchmark() {}

    public static Result run(NudgeConfig config, int profiles, int offers, List<Integer> rates, Duration phase, long seed,
                             PrintWriter progress) throws Exception {
        // The key is checked on every request, as in production; the rate limit is lifted, since the bench is the
        // one caller and measures what the API can serve.
        NudgeConfig bench = BenchData.benchTopics(config).with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.API_SITE_KEYS, "bench=" + SITE_KEY).with(NudgeConfig.API_RATE_LIMIT, Integer.MAX_VALUE)
                .with(NudgeConfig.API_RATE_LIMIT_ADDRESS, Integer.MAX_VALUE).with(NudgeConfig.API_RATE_LIMIT_VISITOR, Integer.MAX_VALUE);
        TopicSetup.ensureTopics(bench);
        BenchData.writeOffers(bench, offers, seed);
        BenchData.writeProfiles(bench, profiles, seed, progress);
        HttpClient client = new HttpClient();
        client.setMaxConnectionsPerDestination(CONCURRENCY);
        client.setMaxRequestsQueuedPerDestination(1_000_000);
        client.start();
        try (ServingApi api = ServingApi.start(bench)) {
            while (!api.isReady()) {
                Thread.sleep(50);
            }
            progress.printf("serving API ready with %,d profiles and %,d offers%n", api.store().size(), api.offerStore().size()).flush();
            String nudgeBase = "http://127.0.0.1:" + api.port();
            int bodyBytes = typicalBodyBytes(client, nudgeBase, profiles, seed);
            // Both endpoints get the same requests, key included.
            Javalin bare = bareEndpoint(bodyBytes);
            try {
                String bareBase = "http://127.0.0.1:" + bare.port();
                // Both endpoints warm up (JIT, connections) before either is measured, after the garbage of the store's
                // rebuild is collected: otherwise the first measured phase pays for what the second does not.
                new OpenLoad(client, requests(bareBase, profiles, seed), AUTHORIZATION).maxThroughput(CONCURRENCY, Duration.ofSeconds(3));
                new OpenLoad(client, requests(nudgeBase, profiles, seed), AUTHORIZATION).maxThroughput(CONCURRENCY, Duration.ofSeconds(3));
                System.gc();
                List<Phase> phases = new ArrayList<>();
                for (int rate : withMax(rates)) {
                    for (String endpoint : List.of(BARE, NUDGE)) {
                        OpenLoad load = new OpenLoad(client, requests(endpoint.equals(BARE) ? bareBase : nudgeBase, profiles, seed), AUTHORIZATION);
                        progress.printf("%-16s %s for %d s ...%n", endpoint, rate == 0 ? "max throughput" : rate + " req/s", phase.toSeconds()).flush();
                        Map<Double, Double> before = serverHistogram(client, nudgeBase);
                        OpenLoad.Run run = rate == 0 ? load.maxThroughput(CONCURRENCY, phase) : load.atRate(rate, phase);
                        double serverP99 = endpoint.equals(NUDGE) ? percentileMillis(before, serverHistogram(client, nudgeBase), 0.99) : Double.NaN;
                        phases.add(new Phase(endpoint, rate, run, serverP99));
                    }
                }
                return new Result(profiles, offers, bodyBytes, phases);
            } finally {
                bare.stop();
            }
        } finally {
            client.stop();
        }
    }

    private static List<Integer> withMax(List<Integer> rates) {
        List<Integer> all = new ArrayList<>(List.of(0));
        all.addAll(rates);
        return all;
    }

    /**
     * Request {@code i}: nine in ten for a stored customer, picked uniformly (no help from caches), one in ten for an
     * unknown visitor; on a product, category, cart or home page.
     */
    static LongFunction<URI> requests(String base, int profiles, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return index -> {
            String visitor = random.nextInt(10) == 0 ? "visitor-" + random.nextInt(1 << 30)
                    : ClickstreamGenerator.customerId(random.nextInt(profiles));
            String category = ShopCatalogue.CATEGORIES.get(random.nextInt(ShopCatalogue.CATEGORIES.size()));
            String item = ShopCatalogue.item(category, random.nextInt(ShopCatalogue.ITEMS_PER_CATEGORY));
            String context = switch (random.nextInt(4)) {
                case 0 -> "?page=product&category=" + category + "&item=" + item;
                case 1 -> "?page=category&category=" + category;
                case 2 -> "?page=cart&cart=" + item + "," + ShopCatalogue.item(category, 0);
                default -> "?page=home";
            };
            return URI.create(base + PATH.formatted(visitor) + context + "&limit=5");
        };
    }

    /**
     * The cumulative bucket counts of the recommendations route's successful requests, by upper bound in seconds, as the
     * API's Prometheus endpoint shows them now.
     */
    private static Map<Double, Double> serverHistogram(HttpClient client, String base) throws Exception {
        String text = client.GET(base + "/metrics").getContentAsString();
        Map<Double, Double> buckets = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("nudge_http_requests_seconds_bucket{") && line.contains("route=\"/v1/customers/{id}/recommendations\"")
                    && line.contains("status=\"200\"")) {
                int le = line.indexOf("le=\"") + 4;
                String bound = line.substring(le, line.indexOf('"', le));
                double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                buckets.merge(upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
            }
        }
        return buckets;
    }

    /** The upper bound (ms) of the bucket holding the given quantile of the requests between two scrapes. */
    static double percentileMillis(Map<Double, Double> before, Map<Double, Double> after, double quantile) {
        double total = after.getOrDefault(Double.POSITIVE_INFINITY, 0.0) - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Double> bucket : after.entrySet()) {
            if (bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0) >= quantile * total) {
                return bucket.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** The mean body size of a sample of real answers, so that the bare endpoint moves as many bytes. */
    private static int typicalBodyBytes(HttpClient client, String base, int profiles, long seed) throws Exception {
        LongFunction<URI> sample = requests(base, profiles, seed ^ 0x5eed);
        long total = 0;
        int count = 200;
        for (int i = 0; i < count; i++) {
            ContentResponse response = OpenLoad.request(client, sample.apply(i), AUTHORIZATION).send();
            if (response.getStatus() != 200) {
                throw new IllegalStateException("recommendations answered " + response.getStatus() + ": " + response.getContentAsString());
            }
            total += response.getContent().length;
        }
        return (int) (total / count);
    }

    private static Javalin bareEndpoint(int bodyBytes) {
        String prefix = "{\"customerId\":\"customer-000001\",\"padding\":\"";
        String body = prefix + "x".repeat(Math.max(0, bodyBytes - prefix.length() - 2)) + "\"}";
        return Javalin.create(javalin -> javalin.showJavalinBanner = false)
                .get(PATH.formatted("{id}"), ctx -> ctx.contentType("application/json").result(body))
                .start("127.0.0.1", 0);
    }
}
