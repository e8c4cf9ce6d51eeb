package io.nudge.cli;

import io.nudge.bench.ClusterBenchmark;
import io.nudge.bench.DeliveryBenchmark;
import io.nudge.bench.FreshnessBenchmark;
import io.nudge.bench.PipelineBenchmark;
import io.nudge.bench.ServingBenchmark;
import io.nudge.bench.ServingRebuildBenchmark;
import io.nudge.config.NudgeConfig;
import io.nudge.flink.StandaloneFlinkCluster;
import io.nudge.kafka.LocalKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Benchmarks that print figures; each compares Nudge with the ceiling measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks under load-tests/: each prints its figures and their ratio to a baseline measured in the same run.",
        subcommands = {BenchCommand.All.class, BenchCommand.Serving.class, BenchCommand.Pipeline.class, BenchCommand.Cluster.class, BenchCommand.Freshness.class, BenchCommand.Rebuild.class, BenchCommand.Delivery.class,
                BenchCommand.Micro.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every benchmark takes: the seed of its data and traffic, the Kafka cluster, and the settings. */
    static final class Setup {
        @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated data, traffic and requests (default: ${DEFAULT-VALUE}).")
        long seed;

        @CommandLine.ArgGroup(exclusive = false, heading = "Kafka%n")
        Broker broker = new Broker();

        @Mixin
        ConfigOptions options;

        <T> T withKafka(BrokerTask<T> benchmark) throws Exception {
            return broker.with(options.load(), benchmark);
        }
    }

    /** The Kafka cluster a benchmark uses: a local broker of its own, or the one given. */
    static final class Broker {
        @Option(names = "--work-dir", defaultValue = ".nudge/bench",
                description = "Where the local broker keeps its log; wiped at start (default: ${DEFAULT-VALUE}).")
        Path workDir;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
                description = "Use this Kafka cluster (topics prefixed bench-) instead of starting a local broker.")
        String bootstrapServers;

        /** Runs {@code benchmark} against the given cluster, or a local broker started for it and stopped after. */
        <T> T with(NudgeConfig config, BrokerTask<T> benchmark) throws Exception {
            if (bootstrapServers != null) {
                return benchmark.run(config.with(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers));
            }
            try (WorkDirectory claimed = WorkDirectory.claim(workDir);
                 LocalKafkaBroker broker = LocalKafkaBroker.start(claimed.path().resolve("kafka"))) {
                return benchmark.run(config.with(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers()));
            }
        }
    }

    @FunctionalInterface
    interface BrokerTask<T> {
        T run(NudgeConfig config) throws Exception;
    }

    @Command(name = "serving", mixinStandardHelpOptions = true,
            description = {"GET /v1/customers/{id}/recommendations with a realistic store (profiles, offers, page context, anonymous "
                    + "visitors) against a bare Javalin endpoint returning a body of the same size: maximum throughput of each and "
                    + "their ratio, then p50/p99/p99.9 latency at fixed arrival rates (open model, HdrHistogram)."})
    static final class Serving implements Callable<Integer> {

        @Option(names = "--profiles", defaultValue = "1000000", description = "Customers' profiles in the store (default: ${DEFAULT-VALUE}).")
        int profiles;

        @Option(names = "--offers", defaultValue = "500", description = "Offers in the serving store (default: ${DEFAULT-VALUE}).")
        int offers;

        @Option(names = "--rates", split = ",", defaultValue = "1000,5000,10000", description = "Fixed arrival rates, req/s (default: ${DEFAULT-VALUE}).")
        List<Integer> rates;

        @Option(names = "--seconds", defaultValue = "10", description = "Length of each load phase (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Mixin
        Setup setup;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (profiles < 1 || offers < 1 || seconds < 1 || rates.stream().anyMatch(rate -> rate < 1)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--profiles, --offers, --seconds and every rate must be at least 1");
            }
            ServingBenchmark.Result result = setup.withKafka(config -> ServingBenchmark.run(config, profiles, offers, rates,
                    java.time.Duration.ofSeconds(seconds), setup.seed, spec.commandLine().getErr()));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%nRecommendations endpoint, %,d profiles, %,d offers, %,d-byte answers; %s%n", result.profiles(), result.offers(),
                    result.bodyBytes(), Machine.describe());
            out.printf("%-16s %-16s %12s %8s %9s %9s %9s %15s%n", "endpoint", "load", "achieved/s", "errors", "p50 ms", "p99 ms", "p99.9 ms",
                    "server p99 ms");
            for (ServingBenchmark.Phase phase : result.phases()) {
                out.printf("%-16s %-16s %,12.0f %8d %9.2f %9.2f %9.2f %15s%n", phase.endpoint(), phase.isMax() ? "max (closed, " + ServingBenchmark.CONCURRENCY + ")"
                        : String.format("%,d req/s", phase.rate()), phase.perSecond(), phase.errors(), phase.p50(), phase.p99(), phase.p999(),
                        Double.isNaN(phase.serverP99Millis()) ? "" : String.format("<= %.2f", phase.serverP99Millis()));
            }
            out.println("(client figures include the load generator, which shares the cores; server p99: the API's own /metrics histogram)");
            out.printf("max throughput ratio recommendations / bare Javalin: %.2f%n", result.throughputRatio());
            out.flush();
            return 0;
        }
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = {"Events/s through the personalization job (RocksDB, checkpoints every 10 s, exactly-once outreach, two rules) "
                    + "against a pass-through job with the same source, decoding, sink and parallelism, over the same events in Kafka; "
                    + "the job's checkpoint durations and RocksDB state size per profile."})
    static final class Pipeline implements Callable<Integer> {

        @Option(names = "--events", defaultValue = "300000", description = "Events to push through (default: ${DEFAULT-VALUE}).")
        long events;

        @Option(names = "--customers", defaultValue = "100000", description = "Synthetic customers (default: ${DEFAULT-VALUE}).")
        int customers;

        @Option(names = "--parallelism", defaultValue = "1", description = "Parallelism of both jobs (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(names = "--warm-up", defaultValue = "100000", paramLabel = "EVENTS",
                description = "Both jobs first go through this many of the events untimed, so the timed runs measure compiled code, "
                        + "as in a job that has run for a while; 0 measures from a cold start (default: ${DEFAULT-VALUE}).")
        long warmUpEvents;

        @Option(names = "--segments", defaultValue = "3", description = "Segments the job keeps current, of the three a shop might define "
                + "(a windowed count, orders with a 7-day window, a category's share); 0 runs without, to measure what they cost "
                + "(default: ${DEFAULT-VALUE}).")
        int segments;

        @Option(names = "--experiments", defaultValue = "1", description = "Experiments the job splits rules for: 1 tests the browse tip "
                + "against a second wording and a holdout (every customer who earns a tip is exposed, purchases counted); 0 runs without "
                + "(default: ${DEFAULT-VALUE}).")
        int experiments;

        @Mixin
        Setup setup;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (segments < 0 || segments > 3) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--segments must be between 0 and 3");
            }
            if (experiments < 0 || experiments > 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--experiments must be 0 or 1");
            }
            if (warmUpEvents < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--warm-up must not be negative");
            }
            if (events < 1 || customers < 1 || parallelism < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--events, --customers and --parallelism must be at least 1");
            }
            PipelineBenchmark.Result result = setup.withKafka(config -> PipelineBenchmark.run(config, events, warmUpEvents, customers, parallelism,
                    segments, experiments > 0, setup.seed, setup.broker.workDir.resolve("checkpoints"), spec.commandLine().getErr()));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%nPipeline, %,d events from %,d customers and visitors, parallelism %d, %d segments, %d experiments; %s%n", result.events(),
                    result.profiles(), parallelism, segments, experiments, Machine.describe());
            out.printf("  pass-through job (ceiling)  %,10.0f events/s  (%.1f s)%n", result.passThroughPerSecond(), result.passThrough().toMillis() / 1000.0);
            out.printf("  personalization job         %,10.0f events/s  (%.1f s)   %.2f x the ceiling%n", result.personalizationPerSecond(),
                    result.personalization().toMillis() / 1000.0, result.ratio());
            printCheckpoints(out, result);
            out.println("  CPU per event, by task, then the rest of this process (thread CPU time over the run / events; the broker is a process of its own):");
            for (PipelineBenchmark.TaskTime task : result.tasks()) {
                if (task.microsPerEvent() >= 0.5) {
                    out.printf("    %7.1f µs  %s%n", task.microsPerEvent(), task.task());
                }
            }
            out.flush();
            return 0;
        }

        private static void printCheckpoints(PrintWriter out, PipelineBenchmark.Result result) {
            List<Long> millis = result.checkpoints().stream().map(checkpoint -> checkpoint.duration().toMillis()).sorted().toList();
            if (millis.isEmpty()) {
                out.println("  checkpoints                 none completed: run with more --events");
                return;
            }
            out.printf("  checkpoints                 %d completed, duration median %,d ms, max %,d ms%n", millis.size(),
                    millis.get(millis.size() / 2), millis.get(millis.size() - 1));
            result.last().ifPresent(last -> out.printf("  RocksDB state               %,10.1f MB        at checkpoint %d, covering %,d profiles: "
                    + "%,d bytes per profile (so %,d MB per 1M)%n", last.stateBytes() / 1e6, last.id(), last.profiles(),
                    last.bytesPerProfile(), last.bytesPerProfile()));
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true,
            description = {"Events/s of the job jar on a standalone Flink cluster on this machine (JobManager and TaskManagers in "
                    + "their own JVMs, checkpoints every 2 s, exactly-once outreach, two rules) at each --parallelisms, over the same "
                    + "events in a topic with as many partitions as the highest; each against the lowest parallelism of the run."})
    static final class Cluster implements Callable<Integer> {

        @Option(names = "--events", defaultValue = "300000", description = "Events to push through at each parallelism (default: ${DEFAULT-VALUE}).")
        long events;

        @Option(names = "--customers", defaultValue = "100000", description = "Synthetic customers (default: ${DEFAULT-VALUE}).")
        int customers;

        @Option(names = "--parallelisms", split = ",", defaultValue = "1,2,4", description = "Parallelisms to run, lowest first (default: ${DEFAULT-VALUE}).")
        List<Integer> parallelisms;

        @Mixin
        ClusterLayoutOptions cluster;

        @Mixin
        Setup setup;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            StandaloneFlinkCluster.Layout layout = cluster.layout();
            if (events < 1 || customers < 1 || parallelisms.stream().anyMatch(p -> p < 1 || p > layout.slots())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--events and --customers must be at least 1, "
                        + "and every parallelism between 1 and the cluster's " + layout.slots() + " slots");
            }
            List<Integer> ascending = parallelisms.stream().sorted().toList();
            ClusterBenchmark.Result result = setup.withKafka(config -> ClusterBenchmark.run(config, events, customers, ascending, layout,
                    setup.seed, setup.broker.workDir.resolve("cluster"), spec.commandLine().getErr()));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%nJob jar on a standalone cluster (1 JobManager, %d TaskManagers x %d slots), %,d events from %,d customers and visitors; %s%n",
                    layout.taskManagers(), layout.slotsPerTaskManager(), result.events(), result.profiles(), Machine.describe());
            for (ClusterBenchmark.Run run : result.runs()) {
                out.printf("  parallelism %d  %,10.0f events/s  (%.1f s)   %.2f x parallelism %d   %,6.0f events/s per slot   machine CPU busy %.0f %%%n",
                        run.parallelism(), run.perSecond(), run.elapsed().toMillis() / 1000.0, result.scaling(run), result.runs().get(0).parallelism(),
                        run.perSecond() / run.parallelism(), run.machineBusy() * 100);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "freshness", mixinStandardHelpOptions = true,
            description = {"On the local stack (broker, job, API) under steady synthetic traffic: the delay from producing an event "
                    + "to its profile being in the serving API, p50/p99, against the broker's own acknowledgement time."})
    static final class Freshness implements Callable<Integer> {

        @Option(names = "--rate", defaultValue = "5000", description = "Traffic in events/s (default: ${DEFAULT-VALUE}).")
        int rate;

        @Option(names = "--seconds", defaultValue = "30", description = "How long to measure (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--warm-up", defaultValue = "10", paramLabel = "SECONDS",
                description = "Traffic flows this long before the first probe, so that the job is measured as it runs after a "
                        + "while rather than while the JIT compiler works through its code; 0 measures from a cold start (default: ${DEFAULT-VALUE}).")
        int warmUpSeconds;

        @Mixin
        Setup setup;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (rate < 1 || seconds < 1 || warmUpSeconds < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--rate and --seconds must be at least 1, --warm-up not negative");
            }
            if (setup.broker.bootstrapServers != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "freshness runs on the local stack; --bootstrap-servers does not apply");
            }
            FreshnessBenchmark.Result result;
            try (WorkDirectory claimed = WorkDirectory.claim(setup.broker.workDir);
                 LocalStack stack = LocalStack.start(claimed.path(), setup.options.load().with(NudgeConfig.HTTP_PORT, 0))) {
                result = FreshnessBenchmark.run(stack.config(), stack.api(), rate, java.time.Duration.ofSeconds(warmUpSeconds),
                        java.time.Duration.ofSeconds(seconds), setup.seed, spec.commandLine().getErr());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%nFreshness at %,.0f events/s for %d s (%,d probes) after %d s of warm-up traffic; %s%n", result.trafficPerSecond(), seconds,
                    result.visible().getTotalCount(), warmUpSeconds, Machine.describe());
            out.printf("  %-34s %8s %8s %8s%n", "", "p50 ms", "p99 ms", "max ms");
            print(out, "broker acknowledgement (baseline)", result.acknowledged());
            print(out, "profile record in the changelog", result.inChangelog());
            print(out, "profile visible in the serving API", result.visible());
            if (result.probesLost() > 0) {
                out.printf("  %,d probes never became visible within 30 s%n", result.probesLost());
            }
            out.flush();
            return 0;
        }

        private static void print(PrintWriter out, String what, org.HdrHistogram.Histogram micros) {
            out.printf("  %-34s %8.1f %8.1f %8.1f%n", what, micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                    micros.getMaxValue() / 1000.0);
        }
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = {"Time for a serving replica to rebuild its store from the compacted profiles changelog, against a bare "
                    + "Kafka consumer reading the same records; heap per stored profile.",
                    "Takes about 2 GB of heap for the default million profiles (the launcher allows 4 GB; NUDGE_JAVA_OPTS adds JVM options)."})
    static final class Rebuild implements Callable<Integer> {

        @Option(names = "--profiles", defaultValue = "1000000", description = "Customers' profiles to write and rebuild (default: ${DEFAULT-VALUE}).")
        int profiles;

        @Mixin
        Setup setup;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (profiles < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--profiles must be at least 1");
            }
            PrintWriter err = spec.commandLine().getErr();
            ServingRebuildBenchmark.Result result = setup.withKafka(config -> ServingRebuildBenchmark.run(config, profiles, setup.seed, err));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%nServing store rebuild, %,d profiles (%,d MB of changelog, %,d bytes per record)%n", result.profiles(),
                    result.changelogBytes() >> 20, result.changelogBytes() / result.profiles());
            out.printf("  bare consumer (ceiling)  %8.1f s%n", result.bareRead().toMillis() / 1000.0);
            out.printf("  serving API ready after  %8.1f s   (%,.0f profiles/s; %.2f x the ceiling)%n",
                    result.rebuild().toMillis() / 1000.0, result.profilesPerSecond(), result.rebuildToBareRead());
            out.printf("  store heap               %,8d MB  (%,d bytes per profile)%n", result.storeHeapBytes() >> 20, result.heapBytesPerProfile());
            out.printf("  %s%n", Machine.describe());
            out.flush();
            return 0;
        }
    }

    @Command(name = "delivery", mixinStandardHelpOptions = true,
            description = {"Outreach delivery through the webhook provider to a local receiver that checks every signature: actions/s of "
                    + "./nudge dispatch against a bare consumer POSTing the same records with the same concurrency (dispatch.concurrency), "
                    + "then the delay from decision to arrival at a steady rate."})
    static final class Delivery implements Callable<Integer> {

        @Option(names = "--actions", defaultValue = "20000", description = "Actions for the throughput phase (default: ${DEFAULT-VALUE}).")
        int actions;

        @Option(names = "--rate", defaultValue = "500", description = "Actions per second of the steady phase (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--seconds", defaultValue = "20", description = "Length of the steady phase (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Mixin
        Setup setup;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (actions < 1 || rate <= 0 || seconds < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--actions, --rate and --seconds must be positive");
            }
            PrintWriter err = spec.commandLine().getErr();
            DeliveryBenchmark.Result result = setup.withKafka(config -> DeliveryBenchmark.run(config, actions, rate, seconds, err));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%nDelivery through the webhook provider, %,d actions, %d in flight%n", result.actions(), result.concurrency());
            out.printf("  bare consumer + POST (ceiling)  %,8.0f actions/s  (%.1f s)%n", result.bareRate(), result.bare().toMillis() / 1000.0);
            out.printf("  ./nudge dispatch                %,8.0f actions/s  (%.1f s)   %.2f x the ceiling%n", result.dispatcherRate(),
                    result.dispatcher().toMillis() / 1000.0, result.dispatcherRate() / result.bareRate());
            Histogram delay = result.decisionToDeliveryMicros();
            out.printf("  steady %,.0f actions/s, %,d actions: decision to delivery p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", result.steadyRate(),
                    result.steadyActions(), delay.getValueAtPercentile(50) / 1000.0, delay.getValueAtPercentile(99) / 1000.0, delay.getMaxValue() / 1000.0);
            out.printf("  (from the action's decidedAt to its arrival; live, the job's checkpoint interval comes before: actions are read committed)%n");
            out.printf("  %s%n", Machine.describe());
            out.flush();
            return 0;
        }
    }

    @Command(name = "micro", mixinStandardHelpOptions = true,
            description = "JMH micro-benchmarks of the hot domain paths: one profile update, one recommendation with 500 and with 5,000 offers.")
    static final class Micro implements Callable<Integer> {

        @Option(names = "--quick", description = "Three one-second warm-ups and measurements instead of the full run.")
        boolean quick;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.runner.options.ChainedOptionsBuilder options = new org.openjdk.jmh.runner.options.OptionsBuilder()
                    .include(io.nudge.bench.HotPaths.class.getName());
            if (quick) {
                options.warmupIterations(3).warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                        .measurementIterations(3).measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%nHot paths (JMH, average time per call); %s%n", Machine.describe());
            for (org.openjdk.jmh.results.RunResult run : new org.openjdk.jmh.runner.Runner(options.build()).run()) {
                org.openjdk.jmh.results.Result<?> result = run.getPrimaryResult();
                String offers = run.getParams().getParam("offers");
                out.printf("  %-42s %10.2f ± %.2f %s%n", run.getParams().getBenchmark().replaceAll(".*\\.", "")
                        + (offers == null ? "" : " (" + offers + " offers)"), result.getScore(), result.getScoreError(), result.getScoreUnit());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "all", mixinStandardHelpOptions = true,
            description = {"Every benchmark in turn, each printing its figures: serving, pipeline, cluster, freshness, rebuild, delivery, micro (about 21 min).",
                    "--quick runs them smaller and shorter (about 6 min)."})
    static final class All implements Callable<Integer> {

        @Option(names = "--quick", description = "Smaller data and shorter phases.")
        boolean quick;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<List<String>> runs = quick
                    ? List.of(List.of("serving", "--profiles", "100000", "--rates", "1000,5000", "--seconds", "5"),
                            List.of("pipeline", "--events", "100000", "--customers", "20000"),
                            List.of("cluster", "--events", "50000", "--customers", "10000", "--parallelisms", "1,2"),
                            List.of("freshness", "--rate", "1000", "--seconds", "10"),
                            List.of("rebuild", "--profiles", "200000"),
                            List.of("delivery", "--actions", "5000", "--seconds", "5"),
                            List.of("micro", "--quick"))
                    : List.of(List.of("serving"), List.of("pipeline"), List.of("cluster"), List.of("freshness"), List.of("rebuild"), List.of("delivery"),
                            List.of("micro"));
            CommandLine bench = spec.parent().commandLine();
            for (List<String> run : runs) {
                int exit = bench.execute(run.toArray(String[]::new));
                if (exit != 0) {
                    return exit;
                }
            }
            return 0;
        }
    }
}
