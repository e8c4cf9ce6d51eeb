package io.nudge.serving.offers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.config.NudgeConfig;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.Offer;
import io.nudge.serving.kafka.AcknowledgedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes changes of offers to the offers topic, where every API replica and the job pick them up, and
 * to this replica's offer store at once so the writer reads its own change. Seeds an empty offers topic from a file.
 */
public final class OfferPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OfferPublisher.class);
    private static final String BUNDLED = "/io/nudge/serving/demo-offers.json";

    private final AcknowledgedWriter writer;
    private final OfferStore offerStore;

    public OfferPublisher(NudgeConfig config, OfferStore offerStore) {
        this.writer = new AcknowledgedWriter(config, config.get(NudgeConfig.TOPIC_OFFERS), "nudge-serving-offers");
        this.offerStore = offerStore;
    }

    /** Writes {@code offer} and waits until Kafka has it. */
    public Offer publish(Offer offer) throws AcknowledgedWriter.UnavailableException {
        writer.write(offer.getOfferId(), Codecs.OFFERS.encode(offer));
        offerStore.upsert(offer);
        return offer;
    }

    /**
     * Publishes the offers in {@code file} (or the bundled demo offers when blank) if there are none yet,
     * so a new installation has something to recommend. Run once the offer store has caught up with the topic.
     */
    public void seedIfEmpty(String file, ObjectMapper json) throws AcknowledgedWriter.UnavailableException {
        if (offerStore.size() > 0) {
            return;
        }
        List<Offer> seed = readSeed(file, json);
        for (Offer offer : seed) {
            publish(offer);
        }
        LOG.info("Seeded the empty offers topic with {} offers from {}", seed.size(), file.isBlank() ? "the bundled demo catalogue" : file);
    }

    static List<Offer> readSeed(String file, ObjectMapper json) {
        try (InputStream in = file.isBlank() ? OfferPublisher.class.getResourceAsStream(BUNDLED) : Files.newInputStream(Path.of(file))) {
            JsonNode root = json.readTree(in);
            if (root == null || !root.isArray()) {
                throw new IllegalArgumentException("expected a JSON array of offers");
            }
            List<Offer> offers = new ArrayList<>();
            for (int i = 0; i < root.size(); i++) {
                OfferJson.Parsed parsed = OfferJson.parse(root.get(i), null);
                if (parsed.offer() == null) {
                    throw new IllegalArgumentException("offer " + i + ": " + parsed.errors());
                }
                offers.add(parsed.offer());
            }
            return offers;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Cannot read the offers " + (file.isBlank() ? BUNDLED : file) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        writer.close();
    }
}
