package io.nudge.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.ClusterClientJobClientAdapter;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Flink session cluster on this machine: one JobManager and N TaskManagers, each its own JVM on
 * loopback, started the way Flink's own scripts start them (memory sizes worked out by Flink's BashJavaUtils from
 * {@code config.yaml}, then the entrypoint classes). Jobs are submitted with Flink's command-line client
 * ({@code flink run}), so the job jar meets exactly what a production cluster gives it.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneFlinkCluster.class);
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration REAPER_GRACE = Duration.ofSeconds(20);
    private static final Pattern SUBMITTED = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Flink's config.yaml puts in env.java.default-opts.all for Java 17: the reflection its runtime needs. */
    private static final List<String> JAVA_17_OPENS = Arrays.stream(new String[] {
            "java.base/java.lang", "java.base/java.net", "java.base/java.io", "java.base/java.nio", "java.base/sun.nio.ch",
            "java.base/java.lang.reflect", "java.base/java.text", "java.base/java.time", "java.base/java.util",
            "java.base/java.util.concurrent", "java.base/java.util.concurrent.atomic", "java.base/java.util.concurrent.locks"})
            .map(module -> "--add-opens=" + module + "=ALL-UNNAMED").toList();

    /**
     * The shape of the cluster.
     *
     * @param taskManagers TaskManager processes
     * @param slotsPerTaskManager task slots in each; a job at parallelism p needs p slots in all
     * @param taskManagerMemory each TaskManager's whole process (heap, RocksDB's managed memory, network buffers)
     */
    public record Layout(int taskManagers, int slotsPerTaskManager, String taskManagerMemory) {
        public static final Layout DEFAULT = new Layout(2, 2, "1536m");

        public int slots() {
            return taskManagers * slotsPerTaskManager;
        }
    }

    private final FlinkDistribution distribution;
    private final Path home;
    private final int restPort;
    private final Process jobManager;
    private final Process[] taskManagers;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger taskManagerStarts = new AtomicInteger();
    private List<String> taskManagerResources;

    private StandaloneFlinkCluster(FlinkDistribution distribution, int taskManagers, Path home, int restPort, Process jobManager) {
        this.distribution = distribution;
        this.home = home;
        this.restPort = restPort;
        this.jobManager = jobManager;
        this.taskManagers = new Process[taskManagers];
    }

    /**
     * Starts the JobManager and the TaskManagers and waits until every slot is registered.
     *
     * @param home configuration and logs go to {@code conf/} and {@code log/} under it
     * @param checkpoints where checkpoints and savepoints go, a directory every process can reach
     */
    public static StandaloneFlinkCluster start(FlinkDistribution distribution, Layout layout, Path home, URI checkpoints) throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("log"));
        int restPort = freePort();
        writeConfiguration(home, layout, restPort, freePort(), checkpoints);
        Process jobManager = launch(distribution, home, "jobmanager", resourceParameters(distribution, home, "GET_JM_RESOURCE_PARAMS"),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(distribution, layout.taskManagers(), home, restPort, jobManager);
        try {
            for (int i = 0; i < layout.taskManagers(); i++) {
                cluster.startTaskManager(i);
            }
            cluster.awaitSlots(layout.slots(), STARTUP);
            LOG.info("Flink standalone cluster up: 1 JobManager, {} TaskManagers x {} slots, REST at {}", layout.taskManagers(),
                    layout.slotsPerTaskManager(), cluster.restAddress());
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    public URI restAddress() {
        return URI.create("http://localhost:" + restPort);
    }

    public Path logDirectory() {
        return home.resolve("log");
    }

    /**
     * Submits the job jar with {@code flink run}, detached.
     *
     * @param programArguments the job's own settings, passed as {@code key=value}
     * @param restorePath a checkpoint or savepoint to start from, or null for a fresh start
     */
    public JobClient submit(int parallelism, Map<String, String> programArguments, String restorePath) throws Exception {
        List<String> command = new ArrayList<>(javaCommand(distribution, home, "client"));
        command.addAll(List.of("org.apache.flink.client.cli.CliFrontend", "run", "--detached", "--parallelism", String.valueOf(parallelism)));
        if (restorePath != null) {
            command.addAll(List.of("--fromSavepoint", restorePath));
        }
        command.add(distribution.jobJar().toString());
        programArguments.forEach((key, value) -> command.add(key + "=" + value));
        Path output = home.resolve("log").resolve("flink-run.out");
        ProcessBuilder run = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        run.environment().put("FLINK_CONF_DIR", home.resolve("conf").toString());
        Process client = run.start();
        if (!client.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IOException("flink run did not return within " + STARTUP.toSeconds() + " s; its output is in " + output);
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        Matcher submitted = SUBMITTED.matcher(printed);
        if (client.exitValue() != 0 || !submitted.find()) {
            throw new IOException("flink run failed (exit " + client.exitValue() + "):\n" + tail(printed, 40));
        }
        JobID job = JobID.fromHexString(submitted.group(1));
        LOG.info("Submitted {} as job {} at parallelism {}", distribution.jobJar().getFileName(), job, parallelism);
        return jobClient(job);
    }

    /** A handle on a job of this cluster, through its REST API. */
    public JobClient jobClient(JobID job) {
        Configuration client = new Configuration();
        client.set(RestOptions.ADDRESS, "localhost");
        client.set(RestOptions.PORT, restPort);
        return new ClusterClientJobClientAdapter<>(() -> {
            try {
                return new RestClusterClient<>(client, StandaloneClusterId.getInstance());
            } catch (Exception e) {
                throw new IllegalStateException("Cannot reach the JobManager at " + restAddress(), e);
            }
        }, job, StandaloneFlinkCluster.class.getClassLoader());
    }

    /** Kills TaskManager {@code index} without warning (SIGKILL), as a lost machine or an OOM kill would. */
    public void killTaskManager(int index) throws InterruptedException {
        Process taskManager = taskManagers[index];
        taskManager.destroyForcibly();
        taskManager.waitFor(30, TimeUnit.SECONDS);
        LOG.info("TaskManager {} killed", index);
    }

    /** Starts TaskManager {@code index} (again), as a process supervisor or Kubernetes would after a loss. */
    public synchronized void startTaskManager(int index) throws IOException, InterruptedException {
        // A new identity each time: the JobManager must not take the replacement for the lost one reconnecting.
        String name = "taskmanager-" + index + "-" + taskManagerStarts.incrementAndGet();
        if (taskManagerResources == null) {
            // The same for every TaskManager, and sizing it costs a JVM start: worked out once, not on each recovery.
            taskManagerResources = resourceParameters(distribution, home, "GET_TM_RESOURCE_PARAMS");
        }
        taskManagers[index] = launch(distribution, home, name, taskManagerResources,
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "-D", "taskmanager.resource-id=" + name);
    }

    /** Task slots currently registered with the JobManager (a killed TaskManager's stay until its heartbeat times out). */
    public int registeredSlots() throws IOException, InterruptedException {
        HttpResponse<String> overview = http.send(HttpRequest.newBuilder(restAddress().resolve("/overview")).build(),
                HttpResponse.BodyHandlers.ofString());
        return overview.statusCode() == 200 ? JSON.readTree(overview.body()).path("slots-total").asInt(0) : 0;
    }

    /** Whether {@code job} is running with every one of its tasks deployed and running (Flink's REST job details). */
    public boolean allTasksRunning(JobID job) throws IOException, InterruptedException {
        HttpResponse<String> details = http.send(HttpRequest.newBuilder(restAddress().resolve("/jobs/" + job)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (details.statusCode() != 200) {
            return false;
        }
        JsonNode json = JSON.readTree(details.body());
        if (!"RUNNING".equals(json.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : json.path("vertices")) {
            if (vertex.path("tasks").path("RUNNING").asInt() != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    private void awaitSlots(int slots, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (!jobManager.isAlive()) {
                throw new IOException("The JobManager exited (" + jobManager.exitValue() + "); see " + logDirectory().resolve("jobmanager.log"));
            }
            try {
                if (registeredSlots() >= slots) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the JobManager's REST endpoint comes up a few seconds after its JVM
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("Fewer than " + slots + " task slots registered within " + timeout.toSeconds() + " s; logs in " + logDirectory());
            }
            Thread.sleep(200);
        }
    }

    private static void writeConfiguration(Path home, Layout layout, int restPort, int rpcPort, URI checkpoints) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("jobmanager.rpc.address", "localhost");
        settings.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        settings.put("jobmanager.bind-host", "localhost");
        settings.put("jobmanager.memory.process.size", "1024m");
        settings.put("rest.address", "localhost");
        settings.put("rest.bind-address", "localhost");
        settings.put("rest.port", String.valueOf(restPort));
        settings.put("taskmanager.host", "localhost");
        settings.put("taskmanager.bind-host", "localhost");
        settings.put("taskmanager.numberOfTaskSlots", String.valueOf(layout.slotsPerTaskManager()));
        settings.put("taskmanager.memory.process.size", layout.taskManagerMemory());
        settings.put("parallelism.default", String.valueOf(layout.slots()));
        // A killed TaskManager is noticed by its peers' broken connections at once, but its slots are only released
        // when its heartbeat times out (default 50 s): 10 s keeps recovery short without false alarms under load.
        settings.put("heartbeat.interval", "1000");
        settings.put("heartbeat.timeout", "10000");
        settings.put("state.backend.type", "rocksdb");
        settings.put("execution.checkpointing.dir", checkpoints.toString());
        settings.put("execution.checkpointing.savepoint-dir", checkpoints.resolve("savepoints").toString());
        settings.put("io.tmp.dirs", home.resolve("tmp").toString());
        StringBuilder yaml = new StringBuilder("# Written by io.nudge.flink.StandaloneFlinkCluster\n");
        settings.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
        Files.writeString(home.resolve("conf").resolve("config.yaml"), yaml);
        Files.writeString(home.resolve("conf").resolve("log4j.properties"), """
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = File
                appender.file.name = File
                appender.file.type = File
                appender.file.fileName = ${sys:log.file}
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-50c{1.} - %m%n
                logger.kafka.name = org.apache.kafka
                logger.kafka.level = WARN
                logger.metricGroup.name = org.apache.flink.metrics.MetricGroup
                logger.metricGroup.level = ERROR
                """);
        Files.createDirectories(home.resolve("tmp"));
    }

    /** Starts one Flink process the way bin/jobmanager.sh and bin/taskmanager.sh do. */
    private static Process launch(FlinkDistribution distribution, Path home, String name, List<String> resources, String mainClass,
                                  String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(javaCommand(distribution, home, name));
        command.addAll(command.indexOf("-cp"), List.of(resources.get(0).split(" ")));
        command.add(mainClass);
        command.addAll(List.of("--configDir", home.resolve("conf").toString()));
        command.addAll(List.of(resources.get(1).split(" ")));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("log").resolve(name + ".out").toFile()))
                .start();
        // Never leave an orphaned Flink process behind when this JVM ends. Shutdown hooks run together, so the reaper
        // first gives an orderly close (the demo's: API, job cancelled, cluster, broker) time to finish.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                process.waitFor(REAPER_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }, name + "-reaper"));
        return process;
    }

    /** Flink's own arithmetic for a process's memory: JVM options, then the sizes it must be told as dynamic properties. */
    private static List<String> resourceParameters(FlinkDistribution distribution, Path home, String query) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(javaCommand(distribution, home, "bash-java-utils"));
        command.addAll(List.of("org.apache.flink.runtime.util.bash.BashJavaUtils", query, "--configDir", home.resolve("conf").toString()));
        Process utils = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(utils.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        utils.waitFor(60, TimeUnit.SECONDS);
        List<String> results = output.lines().filter(line -> line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(line -> line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).strip()).toList();
        if (utils.exitValue() != 0 || results.size() < 2) {
            throw new IOException("Flink could not size the process memory from " + home.resolve("conf/config.yaml") + ":\n" + tail(output, 20));
        }
        return results.subList(results.size() - 2, results.size());
    }

    private static List<String> javaCommand(FlinkDistribution distribution, Path home, String name) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JAVA_17_OPENS);
        command.add("-Dlog.file=" + home.resolve("log").resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + home.resolve("conf").resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(distribution.classpath());
        return command;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Stops the TaskManagers, then the JobManager (SIGTERM, then SIGKILL after 20 s). Running jobs stay in their checkpoints. */
    @Override
    public void close() throws InterruptedException {
        for (Process taskManager : taskManagers) {
            stop(taskManager);
        }
        stop(jobManager);
    }

    private static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
