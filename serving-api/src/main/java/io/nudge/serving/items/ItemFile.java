package io.nudge.serving.items;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.documents.CsvLine;
import io.nudge.events.FieldError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * A catalogue file, line by line: JSON Lines ({@code .jsonl}, one item as {@link ItemJson} reads it per line) or CSV
 * ({@code .csv}, a header naming the columns: {@code itemId,title,url,imageUrl,category,categoryPath,price,currency,
 * availability,stock,brand,publishedAt}; {@code categoryPath} as {@code outdoor > garden}; an empty cell is no value;
 * any other column is an attribute of that name). Either may be gzipped ({@code .gz}).
 */
public final class ItemFile {

    private static final Set<String> CSV_FIELDS = Set.of("itemId", "title", "url", "imageUrl", "category", "categoryPath", "price",
            "currency", "availability", "stock", "brand", "publishedAt");
    private static final Set<String> NUMBERS = Set.of("price", "stock");

    /** One line of the file read: the item, or what is wrong with it. */
    public record Line(long number, ItemJson.Parsed parsed) {}

    private ItemFile() {}

    /** Reads every item line of {@code file} in order (blank lines and the CSV header aside). */
    public static void read(Path file, ObjectMapper json, Consumer<Line> lines) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String kind = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        if (!kind.endsWith(".csv") && !kind.endsWith(".jsonl")) {
            throw new IllegalArgumentException(file + ": expected a .csv or .jsonl file (optionally .gz)");
        }
        try (InputStream raw = Files.newInputStream(file);
             BufferedReader reader = new BufferedReader(new InputStreamReader(name.endsWith(".gz") ? new GZIPInputStream(raw) : raw,
                     StandardCharsets.UTF_8))) {
            List<String> header = null;
            long number = 0;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                if (kind.endsWith(".jsonl")) {
                    lines.accept(new Line(number, jsonLine(text, json)));
                } else if (header == null) {
                    header = CsvLine.fields(text).stream().map(String::strip).toList();
                } else {
                    lines.accept(new Line(number, ItemJson.parse(csvRow(header, CsvLine.fields(text), json), null)));
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static ItemJson.Parsed jsonLine(String text, ObjectMapper json) {
        try {
            return ItemJson.parse(json.readTree(text), null);
        } catch (IOException e) {
            return new ItemJson.Parsed(null, List.of(new FieldError("(line)", "not JSON: " + e.getMessage().lines().findFirst().orElse(""))));
        }
    }

    /** A CSV row as the JSON object {@link ItemJson} reads. */
    private static JsonNode csvRow(List<String> header, List<String> cells, ObjectMapper json) {
        ObjectNode item = json.createObjectNode();
        ObjectNode attributes = json.createObjectNode();
        for (int i = 0; i < header.size() && i < cells.size(); i++) {
            String column = header.get(i);
            String cell = cells.get(i).strip();
            if (cell.isEmpty()) {
                continue;
            }
            if (column.equals("categoryPath")) {
                ArrayNode path = item.putArray("categoryPath");
                for (String part : cell.split(">")) {
                    path.add(part.strip());
                }
            } else if (NUMBERS.contains(column)) {
                try {
                    if (column.equals("stock")) {
                        item.put(column, Long.parseLong(cell));
                    } else {
                        item.put(column, Double.parseDouble(cell));
                    }
                } catch (NumberFormatException e) {
                    item.put(column, cell); // reported by the item's own check, as any mistyped value
                }
            } else if (CSV_FIELDS.contains(column)) {
                item.put(column, cell);
            } else {
                attributes.put(column, cell);
            }
        }
        if (!attributes.isEmpty()) {
            item.set("attributes", attributes);
        }
        return item;
    }
}
