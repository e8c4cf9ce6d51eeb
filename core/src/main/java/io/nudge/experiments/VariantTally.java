package io.nudge.experiments;

/**
 * What one variant of an experiment has seen so far, counted from each customer's first exposure: customers exposed,
 * customers who converted within the window, and the revenue they brought (its sum and sum of squares, so that the
 * spread of revenue per exposed customer is known without keeping every customer's).
 */
public record VariantTally(long exposed, long converted, double revenue, double revenueSquares) {

    public static final VariantTally NONE = new VariantTally(0, 0, 0, 0);

    public VariantTally {
        if (exposed < 0 || converted < 0 || converted > exposed) {
            throw new IllegalArgumentException("counts must satisfy 0 <= converted <= exposed: " + converted + " of " + exposed);
        }
    }

    /** One more customer exposed. */
    public VariantTally exposure() {
        return new VariantTally(exposed + 1, converted, revenue, revenueSquares);
    }

    /** One exposed customer converted, bringing {@code value} (their revenue within the window, all at once). */
    public VariantTally conversion(double value) {
        return new VariantTally(exposed, converted + 1, revenue + value, revenueSquares + value * value);
    }

    public VariantTally plus(VariantTally other) {
        return new VariantTally(exposed + other.exposed, converted + other.converted, revenue + other.revenue,
                revenueSquares + other.revenueSquares);
    }

    public double conversionRate() {
        return exposed == 0 ? 0 : (double) converted / exposed;
    }

    public double revenuePerExposed() {
        return exposed == 0 ? 0 : revenue / exposed;
    }

    /** The sample estimate of the metric's mean and the variance of one customer's value. */
    Moments moments(Metric metric) {
        if (exposed == 0) {
            return new Moments(0, 0, 0);
        }
        return switch (metric) {
            case CONVERSION -> {
                double p = conversionRate();
                yield new Moments(exposed, p, p * (1 - p));
            }
            case REVENUE -> {
                double mean = revenuePerExposed();
                yield new Moments(exposed, mean, Math.max(0, revenueSquares / exposed - mean * mean));
            }
        };
    }

    /** Sample size, mean and per-unit variance of one metric in one variant. */
    record Moments(long n, double mean, double variance) {}

    /** The two figures an experiment is judged on. */
    public enum Metric {
        /** The share of exposed customers who bought within the window. */
        CONVERSION,
        /** Revenue within the window per exposed customer (those who did not buy count as 0). */
        REVENUE
    }
}
