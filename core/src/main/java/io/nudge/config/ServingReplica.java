package io.nudge.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One serving replica's share of the customers, when several split them: replica {@code number} of {@code replicas}
 * keeps the profiles of the profiles-topic partitions {@code p} with {@code p mod replicas = number - 1}. Kafka puts
 * a profile in the partition of its key's hash, so each customer has exactly one owner.
 */
public record ServingReplica(int number, int replicas) {

    /** The only replica: it keeps every profile. */
    public static final ServingReplica ALONE = new ServingReplica(1, 1);

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*/\\s*(\\d+)");

    public ServingReplica {
        if (replicas < 1 || number < 1 || number > replicas) {
            throw new IllegalArgumentException("must be number/replicas with 1 <= number <= replicas, like 2/4");
        }
    }

    /** @param text {@code number/replicas} (2/4), or empty for {@link #ALONE} */
    public static ServingReplica parse(String text) {
        if (text.isBlank()) {
            return ALONE;
        }
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("must be number/replicas, like 2/4");
        }
        return new ServingReplica(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public boolean isAlone() {
        return replicas == 1;
    }

    /** The number of the replica keeping {@code partition}. */
    public int ownerOf(int partition) {
        return partition % replicas + 1;
    }

    public boolean owns(int partition) {
        return ownerOf(partition) == number;
    }

    @Override
    public String toString() {
        return number + "/" + replicas;
    }
}
