package io.nudge.experiments;

import io.nudge.events.IdHash;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A test a marketer runs ({@link ExperimentJson}): customers are split over weighted variants — each a trigger rule,
 * an offer, or a holdout that receives nothing from the experiment — by a hash of their id and the experiment's salt,
 * so that experiments split independently of one another. The variant a customer is given is stored in their profile
 * at their first exposure ({@link ExperimentLedger}) and kept from then on, across login too. The first variant is the
 * control the others are compared with.
 */
public record Experiment(String experimentId, int version, boolean active, String name, String salt, Duration conversionWindow,
                         List<Variant> variants) implements Serializable {

    /** One arm of the experiment: exactly one of {@code ruleId}, {@code offerId} or {@code holdout}. */
    public record Variant(String name, int weight, String ruleId, String offerId, boolean holdout) implements Serializable {}

    public Experiment {
        variants = List.copyOf(variants);
    }

    /** The variant a unit is given when first exposed: weighted, by the hash of salt and id alone. */
    public Variant variantFor(String unitId) {
        int total = variants.stream().mapToInt(Variant::weight).sum();
        long bucket = Long.remainderUnsigned(IdHash.of(salt + '\u0000' + unitId), total);
        for (Variant variant : variants) {
            bucket -= variant.weight();
            if (bucket < 0) {
                return variant;
            }
        }
        throw new IllegalStateException("weights must be positive");
    }

    public Optional<Variant> variant(String name) {
        return variants.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** Whether the experiment tests trigger rules (and is decided in the job, when one of them fires). */
    public boolean onRules() {
        return variants.stream().anyMatch(v -> v.ruleId() != null);
    }

    public Set<String> ruleIds() {
        return variants.stream().map(Variant::ruleId).filter(id -> id != null).collect(Collectors.toSet());
    }

    public Set<String> offerIds() {
        return variants.stream().map(Variant::offerId).filter(id -> id != null).collect(Collectors.toSet());
    }
}
