package io.nudge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What a user sees from {@code ./nudge} without starting anything. */
class NudgeCommandLineTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Nudge.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void everySubcommandExplainsItselfWithHelp() {
        List<String> subcommands = List.copyOf(Nudge.commandLine().getSubcommands().keySet());
        assertTrue(subcommands.containsAll(List.of("demo", "config")), subcommands.toString());
        for (String subcommand : subcommands) {
            Run help = run(subcommand, "--help");
            assertEquals(0, help.exitCode(), subcommand);
            assertTrue(help.out().contains("Usage: nudge " + subcommand), help.out());
        }
        assertTrue(run("demo", "--help").out().contains("--port"));
    }

    @Test
    void configShowsTheEffectiveValueOfEverySetting() {
        Run run = run("config", "--set", "http.port=9090");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().matches("(?s).*http\\.port\\s+= 9090\\R.*default 8080; env NUDGE_HTTP_PORT.*"), run.out());
        assertTrue(run.out().contains("job.checkpoint.interval"), run.out());
    }

    @Test
    void aMistypedSettingIsAUsageErrorNamingTheSetting() {
        Run unknown = run("config", "--set", "http.prot=9090");
        assertEquals(CommandLine.ExitCode.USAGE, unknown.exitCode());
        assertTrue(unknown.err().contains("Unknown setting 'http.prot'"), unknown.err());

        Run badValue = run("config", "--set", "job.checkpoint.interval=often");
        assertEquals(CommandLine.ExitCode.USAGE, badValue.exitCode());
        assertTrue(badValue.err().contains("job.checkpoint.interval"), badValue.err());
    }

    @Test
    void anUnknownSubcommandIsRefused() {
        Run run = run("teleport");
        assertEquals(CommandLine.ExitCode.USAGE, run.exitCode());
        assertTrue(run.err().contains("teleport"), run.err());
    }

    @Test
    void generatedHistoryIsAValidAvroArchiveOfTheAskedSize(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("traffic.avro");
        Run generated = run("generate", "--out", file.toString(), "--events", "5000", "--customers", "200", "--late", "0.01");

        assertEquals(0, generated.exitCode(), generated.err());
        long count = 0;
        long late = 0;
        java.time.Instant newest = java.time.Instant.EPOCH;
        try (org.apache.avro.file.DataFileReader<io.nudge.schemas.InteractionEvent> reader = new org.apache.avro.file.DataFileReader<>(
                file.toFile(), new org.apache.avro.specific.SpecificDatumReader<>(io.nudge.schemas.InteractionEvent.class))) {
            for (io.nudge.schemas.InteractionEvent event : reader) {
                assertEquals(List.of(), io.nudge.events.EventValidator.validate(event), event.toString());
                late += newest.minus(java.time.Duration.ofMinutes(10)).isAfter(event.getEventTime()) ? 1 : 0;
                newest = event.getEventTime().isAfter(newest) ? event.getEventTime() : newest;
                count++;
            }
        }
        assertEquals(5000, count);
        assertTrue(late > 10 && late < 100, late + " late events");
    }

    @Test
    void benchmarksRefuseNonsenseSizes() {
        Run bench = run("bench", "rebuild", "--profiles", "0");
        assertEquals(CommandLine.ExitCode.USAGE, bench.exitCode());
        assertTrue(bench.err().contains("--profiles must be at least 1"), bench.err());
    }
}
