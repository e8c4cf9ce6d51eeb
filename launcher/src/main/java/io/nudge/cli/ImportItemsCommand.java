package io.nudge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.config.NudgeConfig;
import io.nudge.schemas.Item;
import io.nudge.serving.items.ItemFile;
import io.nudge.serving.items.ItemPublisher;
import io.nudge.serving.items.ItemStore;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.kafka.TopicSetup;
import io.nudge.serving.store.ChangelogReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Puts a catalogue file's items on the items topic: new and changed ones as new versions, the same content not again. */
@Command(name = "import-items", mixinStandardHelpOptions = true,
        description = {"Put the shop's items from a CSV or JSON Lines file (optionally gzipped) into the item catalogue (the items topic): "
                + "new and changed items get a new version, items as they already are get none. Shows progress, then a summary: "
                + "imported, unchanged, refused with the line and reason. Exit code 2 when any line was refused."})
final class ImportItemsCommand implements Callable<Integer> {

    /** Items sent together: large enough to travel in full batches, small enough to report progress. */
    static final int BATCH = 2_000;
    private static final int REFUSALS_SHOWN = 20;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "Catalogue file: .csv (with a header) or .jsonl, optionally .gz.")
    Path file;

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        NudgeConfig config = options.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = spec.commandLine().getErr();
        TopicSetup.ensureTopics(config);
        ItemStore store = new ItemStore();
        long started = System.nanoTime();
        try (ChangelogReader reader = new ChangelogReader(config, Map.of(config.get(NudgeConfig.TOPIC_ITEMS), store), () -> { });
             ItemPublisher publisher = new ItemPublisher(config, store, Clock.systemUTC())) {
            reader.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!reader.isCaughtUp()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the items topic within 2 minutes; is Kafka at "
                            + config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS) + "?");
                }
                Thread.sleep(20);
            }
            progress.printf("the catalogue holds %,d items%n", store.size()).flush();
            Summary summary = new Summary();
            List<Item> batch = new ArrayList<>(BATCH);
            Set<String> batchIds = new HashSet<>();
            try {
                ItemFile.read(file, new ObjectMapper(), line -> {
                    if (line.parsed().item() == null) {
                        summary.refuse(line.number(), line.parsed().errors().stream().map(e -> e.field() + " " + e.message())
                                .collect(Collectors.joining("; ")));
                        return;
                    }
                    if (batch.size() == BATCH || !batchIds.add(line.parsed().item().getItemId())) {
                        publish(publisher, batch, summary, progress);
                        batchIds.clear();
                        batchIds.add(line.parsed().item().getItemId());
                    }
                    batch.add(line.parsed().item());
                });
                publish(publisher, batch, summary, progress);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf("%nImported %,d items from %s in %.1f s (%,.0f lines/s): %,d created, %,d updated, %,d unchanged, %,d refused%n",
                    summary.created + summary.updated, file, seconds, summary.lines() / seconds, summary.created, summary.updated,
                    summary.unchanged, summary.refused.size());
            summary.refused.entrySet().stream().limit(REFUSALS_SHOWN)
                    .forEach(refusal -> out.printf("  line %d: %s%n", refusal.getKey(), refusal.getValue()));
            if (summary.refused.size() > REFUSALS_SHOWN) {
                out.printf("  ... and %,d more refused lines%n", summary.refused.size() - REFUSALS_SHOWN);
            }
            out.flush();
            return summary.refused.isEmpty() ? 0 : 2;
        }
    }

    private static void publish(ItemPublisher publisher, List<Item> batch, Summary summary, PrintWriter progress) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            for (ItemPublisher.Published published : publisher.publishAll(batch)) {
                switch (published.outcome()) {
                    case CREATED -> summary.created++;
                    case UPDATED -> summary.updated++;
                    case UNCHANGED -> summary.unchanged++;
                }
            }
        } catch (AcknowledgedWriter.UnavailableException e) {
            throw new IllegalStateException("Kafka did not take the items: " + e.getMessage(), e);
        }
        batch.clear();
        progress.printf("\r%,d items read", summary.lines()).flush();
    }

    /** What the import did, line by line. */
    private static final class Summary {
        long created;
        long updated;
        long unchanged;
        final Map<Long, String> refused = new LinkedHashMap<>();

        void refuse(long line, String reason) {
            refused.put(line, reason);
        }

        long lines() {
            return created + updated + unchanged + refused.size();
        }
    }
}
