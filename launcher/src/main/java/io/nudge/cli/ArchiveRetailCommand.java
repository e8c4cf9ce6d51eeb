package io.nudge.cli;

import io.nudge.evaluation.RetailTransactions;
import io.nudge.schemas.InteractionEvent;
import io.nudge.traffic.EventFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The UCI Online Retail transactions as an event archive file, so they can be replayed like live history. */
@Command(name = "archive-retail", mixinStandardHelpOptions = true,
        description = "Convert the UCI Online Retail CSV (optionally .gz) into an Avro container file of purchase events, "
                + "in event-time order, for ./nudge replay --avro and ./nudge backtest --avro.")
final class ArchiveRetailCommand implements Callable<Integer> {

    @Mixin
    RetailDataOption retail;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Avro file to write.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path data = retail.readable();
        PrintWriter progress = spec.commandLine().getErr();
        RetailTransactions.Read read = RetailTransactions.read(data, lines -> progress.printf("\rread %,d lines", lines).flush());
        List<InteractionEvent> events = read.events().stream().sorted(Comparator.comparing(InteractionEvent::getEventTime)).toList();
        try (EventFile file = EventFile.create(out)) {
            for (InteractionEvent event : events) {
                file.append(event);
            }
        }
        spec.commandLine().getOut().printf("%nWrote %,d purchase events to %s (skipped: %s)%n", events.size(), out, read.skipped());
        return 0;
    }
}
