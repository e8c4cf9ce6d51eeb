package io.nudge.cli;

import io.nudge.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./nudge} command line. */
@Command(name = "nudge",
        mixinStandardHelpOptions = true,
        version = "Nudge 0.1.0",
        description = "Real-time stream personalization: live customer profiles, next-best offers, proactive outreach.",
        subcommands = {DemoCommand.class, ClusterCommand.class, ServeCommand.class, DispatchCommand.class, ReplayCommand.class, GenerateCommand.class, ImportItemsCommand.class, ArchiveRetailCommand.class, EvaluateCommand.class, BacktestCommand.class, BenchCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class Nudge implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: a bad setting, a busy work directory or port is a message, not a stack trace. */
    static CommandLine commandLine() {
        return new CommandLine(new Nudge()).setExecutionExceptionHandler((error, command, parsed) -> {
            if (error instanceof ConfigException) {
                command.getErr().println("nudge: " + error.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            if (error instanceof AlreadyInUse) {
                command.getErr().println("nudge: " + error.getMessage());
                return CommandLine.ExitCode.SOFTWARE;
            }
            throw error;
        });
    }
}
