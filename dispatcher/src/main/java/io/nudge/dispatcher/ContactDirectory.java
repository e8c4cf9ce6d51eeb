package io.nudge.dispatcher;

import io.nudge.documents.CsvLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a customer's email goes. Nudge keeps no addresses (its customer ids may even be pseudonyms), so a shop that
 * sends email through SMTP gives the dispatcher a file of {@code customerId,email} lines
 * ({@code dispatch.smtp.contacts}, keyed by the ids the actions carry); it is read again when it changes.
 */
public final class ContactDirectory {

    private final Path file;
    private volatile Map<String, String> addresses = Map.of();
    private volatile long readAt = Long.MIN_VALUE;

    public ContactDirectory(Path file) {
        this.file = file;
    }

    /** The customer's email address, or null when the directory has none. */
    public String emailOf(String customerId) {
        refreshIfChanged();
        return addresses.get(customerId);
    }

    private synchronized void refreshIfChanged() {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            if (modified == readAt) {
                return;
            }
            Map<String, String> read = new HashMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                List<String> fields = CsvLine.fields(line);
                if (fields.size() >= 2 && fields.get(1).contains("@")) {
                    read.put(fields.get(0).trim(), fields.get(1).trim());
                }
            }
            addresses = Map.copyOf(read);
            readAt = modified;
        } catch (IOException e) {
            addresses = Map.of(); // no directory, no addresses: every email fails with that reason
            readAt = Long.MIN_VALUE;
        }
    }
}
