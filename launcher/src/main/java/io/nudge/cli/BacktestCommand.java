package io.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.backtest.Backtest;
import io.nudge.backtest.History;
import io.nudge.config.NudgeConfig;
import io.nudge.triggers.Rule;
import io.nudge.triggers.RuleJson;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What a draft rule would have done on past events, day by day, before anyone enables it. */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Run a draft trigger rule over past events with the live job's own profile, rule and delivery code "
                + "(consent, frequency caps, quiet hours) and report per day how many customers it would have contacted.",
                "History comes from Avro container files of events (the archive's format) or from the events topic between two instants."})
final class BacktestCommand implements Callable<Integer> {

    @Option(names = "--rule", required = true, paramLabel = "FILE", description = "The rule's JSON document (as for POST /v1/admin/rules).")
    Path ruleFile;

    static final class Source {
        @Option(names = "--avro", paramLabel = "FILE", split = ",", description = "Avro container files of InteractionEvent (comma-separated or repeated).")
        List<Path> avroFiles;

        @ArgGroup(exclusive = false)
        KafkaRange kafka;
    }

    static final class KafkaRange {
        @Option(names = "--from", required = true, paramLabel = "INSTANT", description = "Start of the Kafka time range, e.g. 2026-11-01T00:00:00Z.")
        Instant from;

        @Option(names = "--until", required = true, paramLabel = "INSTANT", description = "End (exclusive) of the Kafka time range.")
        Instant until;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        NudgeConfig config = options.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = spec.commandLine().getErr();
        Rule rule = readRule();

        History.Read history = source.avroFiles != null
                ? History.fromAvroFiles(source.avroFiles, n -> progress.printf("\rread %,d events", n).flush())
                : History.fromKafka(config, source.kafka.from, source.kafka.until, n -> progress.printf("\rread %,d events", n).flush());
        progress.printf("\rread %,d events (%,d left out as invalid)%n", history.events().size(), history.rejected()).flush();

        Backtest.Result result = Backtest.withSettingsOf(config).run(rule, history.events());

        out.printf("%nRule %s (%s) over %,d events%n", rule.ruleId(), rule.name(), history.events().size());
        out.println("| day (UTC) | customers contacted | sent | suppressed | deferred |");
        out.println("|---|---:|---:|---:|---:|");
        result.days().forEach((day, outcome) -> out.printf("| %s | %,d | %,d | %,d | %,d |%n", day, outcome.customersContacted(),
                outcome.sent(), outcome.suppressed(), outcome.deferred()));
        if (!result.suppressionReasons().isEmpty()) {
            out.println();
            out.println("Suppressed: " + result.suppressionReasons().entrySet().stream()
                    .map(e -> e.getKey() + " x " + e.getValue()).collect(Collectors.joining(", ")));
        }
        out.flush();
        return 0;
    }

    private Rule readRule() throws Exception {
        if (!Files.isReadable(ruleFile)) {
            throw new ParameterException(spec.commandLine(), "--rule: cannot read " + ruleFile.toAbsolutePath());
        }
        JsonNode document = new ObjectMapper().readTree(Files.readString(ruleFile));
        String ruleId = document.path("ruleId").asText("draft");
        if (document instanceof ObjectNode object) {
            object.remove("ruleId");
        }
        RuleJson.Parsed parsed = RuleJson.parse(document, ruleId, 1, true);
        if (parsed.rule() == null) {
            throw new ParameterException(spec.commandLine(), "--rule: " + parsed.errors().stream()
                    .map(Object::toString).collect(Collectors.joining("; ")));
        }
        return parsed.rule();
    }
}
