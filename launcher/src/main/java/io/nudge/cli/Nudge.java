package io.nudge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./nudge} command line. */
@Command(name = "nudge",
        mixinStandardHelpOptions = true,
        version = "Nudge 0.1.0",
        description = "Real-time stream personalization: live customer profiles, next-best offers, proactive outreach.",
        subcommands = {DemoCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class Nudge implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Nudge()).execute(args));
    }
}
