package io.nudge.cli;

import io.nudge.config.NudgeConfig;
import io.nudge.job.PersonalizationJob;
import io.nudge.job.replay.Replay;
import io.nudge.replay.ReplayRun;
import io.nudge.replay.TopicContents;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Rebuild state from history: the live job graph over archived files or a Kafka time range, into its own namespace. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Run the personalization job in bounded mode over archived Avro event files (directories are searched "
                + "for *.avro) or the events topic between two instants, writing profiles, associations, trending, outreach "
                + "and dead letters to topics named with --prefix, so production topics are untouched.",
                "Shows progress (events, events/s, ETA) and ends with a summary."})
final class ReplayCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--avro", paramLabel = "PATH", split = ",", description = "Avro files or directories of them (comma-separated or repeated).")
        List<Path> avro;

        @ArgGroup(exclusive = false)
        BacktestCommand.KafkaRange kafka;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--prefix", defaultValue = "replay-", description = "Prefix of the output topics (default: ${DEFAULT-VALUE}); they must be empty.")
    String prefix;

    @Option(names = "--parallelism", defaultValue = "1", description = "Parallelism of the replay job (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (prefix.isBlank() || parallelism < 1) {
            throw new ParameterException(spec.commandLine(), "--prefix must not be empty and --parallelism must be at least 1");
        }
        NudgeConfig replayConfig = Replay.namespace(options.load(), prefix).with(NudgeConfig.JOB_PARALLELISM, parallelism);
        refuseUsedNamespace(replayConfig);
        PrintWriter out = spec.commandLine().getOut();
        PersonalizationJob job;
        if (source.avro != null) {
            List<Path> files = avroFiles(source.avro);
            out.printf("Replaying %d Avro file(s) into topics prefixed '%s'%n", files.size(), prefix);
            job = Replay.fromFiles(replayConfig, files);
        } else {
            out.printf("Replaying events %s .. %s into topics prefixed '%s'%n", source.kafka.from, source.kafka.until, prefix);
            job = Replay.fromKafka(replayConfig, source.kafka.from, source.kafka.until);
        }
        ReplayRun.Summary summary = ReplayRun.run(job, replayConfig, 0, spec.commandLine().getErr());
        out.printf("%nRead %,d events in %.1f s (%,.0f events/s)%n", summary.recordsRead(), summary.took().toMillis() / 1000.0,
                summary.recordsRead() / Math.max(1e-3, summary.took().toMillis() / 1000.0));
        out.printf("Rejected: %s%n", summary.rejectedByReason().isEmpty() ? "none" : summary.rejectedByReason());
        out.printf("Profiles written: %,d (topic %s)%n", summary.profiles(), replayConfig.get(NudgeConfig.TOPIC_PROFILES));
        out.printf("Outreach actions: %s (topic %s)%n", summary.actionsByStatus().isEmpty() ? "none" : summary.actionsByStatus(),
                replayConfig.get(NudgeConfig.TOPIC_OUTREACH));
        out.flush();
        return 0;
    }

    private void refuseUsedNamespace(NudgeConfig replayConfig) {
        if (!TopicContents.read(replayConfig, replayConfig.get(NudgeConfig.TOPIC_PROFILES)).isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--prefix '" + prefix + "': topic " + replayConfig.get(NudgeConfig.TOPIC_PROFILES)
                    + " already holds a replay; choose another prefix");
        }
    }

    static List<Path> avroFiles(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> p.getFileName().toString().endsWith(".avro") && !p.getFileName().toString().startsWith("."))
                            .sorted().forEach(files::add);
                }
            } else if (Files.isReadable(path)) {
                files.add(path);
            } else {
                throw new IOException("cannot read " + path.toAbsolutePath());
            }
        }
        if (files.isEmpty()) {
            throw new IOException("no .avro files in " + paths);
        }
        return files;
    }
}
