package io.nudge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.kafka.LocalKafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./nudge import-items} on a real broker: a catalogue file in, a summary out, and the same file again changes nothing. */
class ImportItemsIT {

    private record Run(int exitCode, String out) {}

    @Test
    void aCatalogueFileIsImportedOnceAndItsBadLinesAreNamed(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>(List.of("itemId,title,url,category,categoryPath,price,currency,availability,stock,material"));
        for (int i = 0; i < 500; i++) {
            lines.add("item-%03d,\"Lamp %d, brass\",https://shop.example/p/%d,lighting,home > lighting,%d.90,EUR,in_stock,%d,brass"
                    .formatted(i, i, i, 10 + i % 40, i % 7));
        }
        lines.add("broken,,https://shop.example/p/broken,lighting,,-1,EUR,in_stock,,");
        lines.add("item-007,Lamp 7 again,ftp://shop.example/p/7,lighting,,12.90,EUR,sold,,");
        Path file = dir.resolve("catalogue.csv");
        Files.write(file, lines);

        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"))) {
            Run first = run("import-items", "--file", file.toString(), "--set", "kafka.bootstrap.servers=" + broker.bootstrapServers());
            assertEquals(2, first.exitCode(), "some lines were refused: " + first.out());
            assertTrue(first.out().contains("500 created, 0 updated, 0 unchanged, 2 refused"), first.out());
            assertTrue(first.out().contains("line 502: title is required; price must not be negative"), first.out());
            assertTrue(first.out().contains("line 503: url must be an http(s) URL"), first.out());

            Run again = run("import-items", "--file", file.toString(), "--set", "kafka.bootstrap.servers=" + broker.bootstrapServers());
            assertTrue(again.out().contains("0 created, 0 updated, 500 unchanged, 2 refused"), "no new versions: " + again.out());
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Nudge.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(new StringWriter()));
        return new Run(commandLine.execute(args), out.toString());
    }
}
