package io.nudge.evaluation;

import io.nudge.documents.CsvLine;
import io.nudge.events.EventTypes;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads the UCI "Online Retail" transactions (CSV, optionally gzipped) as purchase events: one event per
 * invoice line, the invoice number as orderId, guest lines as anonymous purchases. Cancellations (negative
 * quantities) and lines that are not products (postage, fees, manual adjustments: stock codes that do not start
 * with five digits) are skipped and counted.
 */
public final class RetailTransactions {

    public static final ZoneId SHOP_ZONE = ZoneId.of("Europe/London");
    private static final DateTimeFormatter INVOICE_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern PRODUCT_CODE = Pattern.compile("\\d{5}.*");
    private static final List<String> HEADER =
            List.of("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country");

    /** What was read: the purchase events in file order, and how many lines were left out and why. */
    /**
     * @param descriptions each stock code's description as the data last gives it: the closest the data comes to a
     *                     catalogue
     */
    public record Read(List<InteractionEvent> events, Map<String, Long> skipped, Map<String, String> descriptions) {}

    private RetailTransactions() {}

    public static Read read(Path file, LongConsumer linesRead) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String header = reader.readLine();
            if (header == null || !CsvLine.fields(header).equals(HEADER)) {
                throw new IOException(file + " is not the Online Retail CSV: expected the header " + String.join(",", HEADER));
            }
            List<InteractionEvent> events = new ArrayList<>();
            Map<String, Long> skipped = new HashMap<>();
            Map<String, String> descriptions = new HashMap<>();
            long lineNumber = 1;
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber % 50_000 == 0) {
                    linesRead.accept(lineNumber);
                }
                List<String> fields = CsvLine.fields(line);
                if (fields.size() != HEADER.size()) {
                    skipped.merge("malformed line", 1L, Long::sum);
                    continue;
                }
                String reason = reasonToSkip(fields);
                if (reason != null) {
                    skipped.merge(reason, 1L, Long::sum);
                    continue;
                }
                InteractionEvent event = toEvent(fields, lineNumber);
                events.add(event);
                if (!fields.get(2).isBlank()) {
                    descriptions.put(event.getItemId(), fields.get(2).trim());
                }
            }
            linesRead.accept(lineNumber);
            return new Read(events, skipped, descriptions);
        }
    }

    private static String reasonToSkip(List<String> f) {
        if (f.get(0).startsWith("C") || Integer.parseInt(f.get(3)) <= 0) {
            return "cancellation or return";
        }
        if (!PRODUCT_CODE.matcher(f.get(1)).matches()) {
            return "not a product (postage, fee, adjustment)";
        }
        return null;
    }

    private static InteractionEvent toEvent(List<String> f, long lineNumber) {
        String invoice = f.get(0);
        String customer = f.get(6).isEmpty() ? null : f.get(6).replaceFirst("\\.0$", "");
        Map<String, String> attributes = new HashMap<>();
        attributes.put(EventTypes.ORDER_ID, invoice);
        attributes.put("country", f.get(7));
        return InteractionEvent.newBuilder()
                .setEventId("retail-" + lineNumber)
                .setCustomerId(customer)
                .setAnonymousId(customer == null ? "guest-" + invoice : null)
                .setType(EventType.PURCHASE)
                .setEventTime(LocalDateTime.parse(f.get(4), INVOICE_DATE).atZone(SHOP_ZONE).toInstant())
                .setItemId(f.get(1).toUpperCase(java.util.Locale.ROOT))
                .setPrice(Double.parseDouble(f.get(5)))
                .setCurrency("GBP")
                .setQuantity(Integer.parseInt(f.get(3)))
                .setAttributes(attributes)
                .build();
    }
}
