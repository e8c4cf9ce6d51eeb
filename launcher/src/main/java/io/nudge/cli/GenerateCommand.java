package io.nudge.cli;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.InteractionEvent;
import io.nudge.serving.kafka.TopicSetup;
import io.nudge.traffic.ClickstreamGenerator;
import io.nudge.traffic.EventFile;
import io.nudge.traffic.KafkaTrafficSender;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Synthetic, seeded clickstream into an Avro file (history for replays and backtests) or into Kafka at a fixed rate. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Seeded synthetic shoppers: sessions with a view, cart, checkout, purchase funnel and abandonment, anonymous "
                + "visitors who log in, offer impressions and clicks, optionally out-of-order and late events.",
                "--out writes an Avro container file with the generator's own event times; --kafka sends to the events topic at --rate, "
                        + "stamped with the time of sending."})
final class GenerateCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--out", paramLabel = "FILE", description = "Avro file to write.")
        Path out;

        @Option(names = "--kafka", description = "Send to the events topic of kafka.bootstrap.servers instead.")
        boolean kafka;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--events", defaultValue = "100000", description = "How many events (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--customers", defaultValue = "10000", description = "Synthetic customers (default: ${DEFAULT-VALUE}).")
    int customers;

    @Option(names = "--rate", defaultValue = "1000", description = "With --kafka: events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--out-of-order", defaultValue = "0", description = "Share of events up to 4 s earlier than their place (default: ${DEFAULT-VALUE}).")
    double outOfOrder;

    @Option(names = "--late", defaultValue = "0", description = "Share of events 20 minutes late (default: ${DEFAULT-VALUE}).")
    double late;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ConfigOptions options;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || customers < 1 || rate < 1 || outOfOrder < 0 || late < 0 || outOfOrder + late > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--events, --customers and --rate must be at least 1; --out-of-order and --late are shares between 0 and 1");
        }
        ClickstreamGenerator shoppers = new ClickstreamGenerator(seed, customers,
                ClickstreamGenerator.Behaviour.DEFAULT.withDisorder(outOfOrder, late));
        PrintWriter progress = spec.commandLine().getErr();
        if (target.out != null) {
            toFile(shoppers, progress);
        } else {
            toKafka(shoppers, options.load(), progress);
        }
        return 0;
    }

    private void toFile(ClickstreamGenerator shoppers, PrintWriter progress) throws Exception {
        Instant session = Instant.parse("2026-11-01T00:00:00Z");
        try (EventFile file = EventFile.create(target.out)) {
            while (file.written() < events) {
                for (InteractionEvent event : shoppers.nextSession(session)) {
                    if (file.written() < events) {
                        file.append(event);
                    }
                }
                session = session.plusMillis(200);
                if (file.written() % 10_000 < 10) {
                    progress.printf("\rwritten %,d of %,d events", file.written(), events).flush();
                }
            }
        }
        spec.commandLine().getOut().printf("%nWrote %,d events to %s%n", events, target.out);
    }

    private void toKafka(ClickstreamGenerator shoppers, NudgeConfig config, PrintWriter progress) throws Exception {
        TopicSetup.ensureTopics(config);
        try (KafkaTrafficSender traffic = new KafkaTrafficSender(config, shoppers, rate).start()) {
            while (traffic.sent() < events) {
                progress.printf("\rsent %,d of %,d events", traffic.sent(), events).flush();
                Thread.sleep(1_000); // the progress display's pace; the sender paces itself
            }
        }
        spec.commandLine().getOut().printf("%nSent about %,d events to %s%n", events, config.get(NudgeConfig.TOPIC_EVENTS));
    }
}
