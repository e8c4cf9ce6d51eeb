package io.nudge.serving.offers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.schemas.Offer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The offers the API can recommend. For now loaded once from a JSON file (or the bundled demo catalogue);
 * managing offers through the API and the compacted offers topic comes with the offer engine.
 */
public final class OfferCatalogue {

    private static final String BUNDLED = "/io/nudge/serving/demo-offers.json";

    private final List<Offer> offers;

    private OfferCatalogue(List<Offer> offers) {
        this.offers = List.copyOf(offers);
    }

    /** The catalogue in {@code file}, or the bundled demo catalogue when {@code file} is blank. */
    public static OfferCatalogue load(String file, ObjectMapper json) {
        try (InputStream in = file == null || file.isBlank()
                ? OfferCatalogue.class.getResourceAsStream(BUNDLED)
                : Files.newInputStream(Path.of(file))) {
            return new OfferCatalogue(parse(json.readTree(in)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Cannot load offers catalogue " + (file == null || file.isBlank() ? BUNDLED : file)
                    + ": " + e.getMessage(), e);
        }
    }

    public List<Offer> offers() {
        return offers;
    }

    private static List<Offer> parse(JsonNode root) {
        if (!root.isArray()) {
            throw new IllegalArgumentException("expected a JSON array of offers");
        }
        List<Offer> offers = new ArrayList<>();
        for (JsonNode node : root) {
            List<String> items = new ArrayList<>();
            node.path("itemIds").forEach(item -> items.add(item.asText()));
            offers.add(Offer.newBuilder()
                    .setOfferId(required(node, "offerId"))
                    .setTitle(required(node, "title"))
                    .setCategory(node.hasNonNull("category") ? node.get("category").asText() : null)
                    .setItemIds(items)
                    .setBusinessValue(node.path("businessValue").asDouble(1.0))
                    .setValidFrom(node.hasNonNull("validFrom") ? Instant.parse(node.get("validFrom").asText()) : null)
                    .setValidUntil(node.hasNonNull("validUntil") ? Instant.parse(node.get("validUntil").asText()) : null)
                    .setAttributes(Map.of())
                    .build());
        }
        return offers;
    }

    private static String required(JsonNode node, String field) {
        if (!node.hasNonNull(field)) {
            throw new IllegalArgumentException("offer without '" + field + "': " + node);
        }
        return node.get(field).asText();
    }
}
