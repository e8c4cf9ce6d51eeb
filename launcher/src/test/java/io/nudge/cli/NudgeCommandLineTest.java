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
}
