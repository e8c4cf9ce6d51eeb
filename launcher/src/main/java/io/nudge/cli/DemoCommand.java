package io.nudge.cli;

import io.nudge.config.NudgeConfig;
import io.nudge.dispatcher.DispatchService;
import io.nudge.job.PersonalizationJob;
import io.nudge.serving.ServingApi;
import io.nudge.traffic.ClickstreamGenerator;
import io.nudge.traffic.KafkaTrafficSender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Starts the local stack with synthetic shoppers and prints commands to try. ({@link ClusterCommand} runs the job elsewhere.) */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run Nudge on this machine: a Kafka broker (KRaft), the personalization job on a Flink MiniCluster, "
                + "the serving API and synthetic shoppers. Stop with Ctrl-C.")
class DemoCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port of the API (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--customers", defaultValue = "300", description = "Synthetic customers (default: ${DEFAULT-VALUE}).")
    int customers;

    @Option(names = "--rate", defaultValue = "25", description = "Synthetic events per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic traffic (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--work-dir", description = "Broker data and checkpoints; wiped at start, held by this run (default: .nudge/${COMMAND-NAME}).")
    Path workDir;

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        NudgeConfig loaded = options.load().with(NudgeConfig.HTTP_PORT, port);
        if (!loaded.overrides().containsKey(NudgeConfig.API_DEMO_SHOP.key())) {
            loaded = loaded.with(NudgeConfig.API_DEMO_SHOP, true);
        }
        NudgeConfig config = configure(loaded);
        Path workDir = this.workDir != null ? this.workDir : Path.of(".nudge", name());
        AlreadyInUse.requirePortFree(port, "--port");
        try (WorkDirectory claimed = WorkDirectory.claim(workDir)) {
            run(claimed.path(), config, started);
        }
        return 0;
    }

    private void run(Path workDir, NudgeConfig config, long started) throws Exception {
        System.out.println("Starting Kafka (KRaft), the Flink job and the API in " + workDir.toAbsolutePath() + " ...");

        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // Ctrl-C runs this hook; it waits so the JVM does not exit before the stack is closed in order
        // (API, then the job, then the broker).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping Nudge ...");
            stopRequested.countDown();
            awaitQuietly(closed, Duration.ofSeconds(60));
            System.out.println("Stopped.");
        }, "demo-stop"));
        String secret = config.get(NudgeConfig.DISPATCH_WEBHOOK_SECRET).isEmpty() ? java.util.UUID.randomUUID().toString()
                : config.get(NudgeConfig.DISPATCH_WEBHOOK_SECRET);
        try (WebhookSink sink = new WebhookSink(secret);
             LocalStack stack = LocalStack.start(workDir, config, jobLauncher(workDir));
             DispatchService dispatch = DispatchService.start(withDispatcher(stack.config(), sink, secret));
             KafkaTrafficSender traffic = new KafkaTrafficSender(stack.config(), new ClickstreamGenerator(seed, customers), rate).start()) {
            printWelcome(stack, dispatch, Duration.ofNanos(System.nanoTime() - started));
            while (!stopRequested.await(15, TimeUnit.SECONDS)) {
                System.out.printf("[demo] %,d events sent, %,d profiles served, %,d messages delivered (%,d failed), job %s%n",
                        traffic.sent(), stack.api().store().size(), dispatch.dispatcher().delivered(), dispatch.dispatcher().failed(), stack.jobStatus());
            }
        } finally {
            closed.countDown();
        }
    }

    String name() {
        return "demo";
    }

    /**
     * The dispatcher's settings: the local webhook sink for every channel unless a provider was configured, and any
     * free port for its /health and /metrics unless one was chosen.
     */
    private static NudgeConfig withDispatcher(NudgeConfig config, WebhookSink sink, String secret) {
        java.util.Map<io.nudge.config.Setting<?>, Object> dispatch = new java.util.HashMap<>();
        if (config.get(NudgeConfig.DISPATCH_WEBHOOK_URL).isEmpty()) {
            dispatch.put(NudgeConfig.DISPATCH_WEBHOOK_URL, sink.url());
            dispatch.put(NudgeConfig.DISPATCH_WEBHOOK_SECRET, secret);
        }
        if (!config.overrides().containsKey(NudgeConfig.DISPATCH_HTTP_PORT.key())) {
            dispatch.put(NudgeConfig.DISPATCH_HTTP_PORT, 0);
        }
        return config.with(dispatch);
    }

    /** The configuration as this command runs it. */
    NudgeConfig configure(NudgeConfig config) {
        return config;
    }

    /** Where the job runs: here, a MiniCluster in this JVM. */
    JobLauncher jobLauncher(Path workDir) throws Exception {
        return JobLauncher.miniCluster(PersonalizationJob::onKafka);
    }

    String whereTheJobRuns(LocalStack stack) {
        return "The job runs on a Flink MiniCluster in this JVM (./nudge cluster runs it on a standalone Flink cluster).";
    }

    private void printWelcome(LocalStack stack, DispatchService dispatch, Duration startup) {
        ServingApi api = stack.api();
        String customer = ClickstreamGenerator.customerId(0);
        System.out.printf("""

                Nudge is running (started in %.1f s): %d synthetic shoppers, %.0f events/s.

                  In a browser: the demo shop (recommendations by the website snippet, /nudge.js) and the
                  marketer console (it asks for the admin key below):
                    http://localhost:%d/shop    http://localhost:%d/console/

                  The API and this run's keys (a site key for pages and apps, the admin key for everything;
                  set api.site.keys and api.admin.key to choose your own):
                    export NUDGE=http://localhost:%d SITE_KEY=%s ADMIN_KEY=%s

                  Recommendations for a busy shopper (favourite category: %s), and why:
                    curl -s -H "Authorization: Bearer $SITE_KEY" "$NUDGE/v1/customers/%s/recommendations?limit=3&explain=true"

                  The same shopper on a kitchen page:
                    curl -s -H "Authorization: Bearer $SITE_KEY" "$NUDGE/v1/customers/%s/recommendations?limit=3&page=category&category=kitchen"

                  Be a new shopper: look at lighting three times; a moment later your recommendations lead with lighting:
                    for i in 1 2 3; do curl -s -X POST "$NUDGE/v1/events" -H "Authorization: Bearer $SITE_KEY" -H 'Content-Type: application/json' \\
                      -d '{"type":"product_view","customerId":"me","itemId":"lighting-00'$i'","category":"lighting"}'; echo; done
                    curl -s -H "Authorization: Bearer $SITE_KEY" "$NUDGE/v1/customers/me/recommendations?limit=3"

                  A bad event gets a clear error:
                    curl -s -X POST "$NUDGE/v1/events" -H "Authorization: Bearer $SITE_KEY" -H 'Content-Type: application/json' -d '{"type":"teleport"}'

                  The offers:
                    curl -s -H "Authorization: Bearer $ADMIN_KEY" "$NUDGE/v1/admin/offers"

                  A trigger rule, live without a restart: a tip on the site whenever a cart gets a kitchen item;
                  the dispatcher delivers each tip to a local webhook (the "messages delivered" count below; its
                  /metrics on port %d), and the API lists the decisions:
                    curl -s -X POST "$NUDGE/v1/admin/rules" -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' \\
                      -d '{"ruleId":"kitchen-tip","name":"Kitchen tip","when":{"kind":"event","event":{"type":"add_to_cart","where":{"category":"kitchen"}}},"then":{"channel":"web","templateId":"kitchen-tip","attachOffer":true}}'
                    curl -s -H "Authorization: Bearer $ADMIN_KEY" "$NUDGE/v1/admin/outreach?limit=3"

                  Does the tip sell? An experiment holding 20 %% of the shoppers back, its report (also in the console):
                    curl -s -X POST "$NUDGE/v1/admin/experiments" -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' \\
                      -d '{"experimentId":"kitchen-tip-test","name":"Does the kitchen tip sell?","variants":[{"name":"holdout","weight":20,"holdout":true},{"name":"tip","weight":80,"rule":"kitchen-tip"}]}'
                    curl -s -H "Authorization: Bearer $ADMIN_KEY" "$NUDGE/v1/admin/experiments/kitchen-tip-test"

                  Everything held about a customer (recorded in the audit topic):
                    curl -s -H "Authorization: Bearer $ADMIN_KEY" "$NUDGE/v1/admin/customers/%s/export"

                  Health, metrics, API description:
                    curl -s "$NUDGE/health" ; curl -s "$NUDGE/metrics" | grep '^nudge_' ; curl -s "$NUDGE/openapi.json"

                %s

                Press Ctrl-C to stop.
                """, startup.toMillis() / 1000.0, customers, rate, api.port(), api.port(), api.port(), api.siteKey(), api.adminKey(),
                ClickstreamGenerator.favouriteCategory(0), customer, customer, dispatch.port(), customer, whereTheJobRuns(stack));
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
