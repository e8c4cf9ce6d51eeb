package io.nudge.experiments;

import io.nudge.experiments.VariantTally.Metric;
import io.nudge.experiments.VariantTally.Moments;

/**
 * Compares a variant with the control so that the result may be looked at after every exposure and still mean what
 * it says: a mixture sequential probability ratio test (mSPRT; Johari, Pekelis and Walsh, "Always valid inference",
 * 2017). The difference of means is taken as normal with variance {@code V} (the pooled per-customer variance over
 * both sample sizes), and the likelihood ratio against "no difference" is mixed over true differences drawn from
 * N(0, τ²):
 *
 * <pre>  Λ = sqrt(V / (V + τ²)) · exp(z² / 2 · τ² / (V + τ²)),   z = difference / sqrt(V)</pre>
 *
 * Under no difference, the chance that Λ ever reaches 1/α, however often it is computed, is at most α; so
 * {@code 1/Λ} is an always-valid p-value and the differences that keep Λ below 1/α form a confidence sequence, an
 * interval valid at every moment at once. A fixed-horizon t-test watched daily would declare a winner far more
 * often than its α says.
 *
 * <p>τ is {@link #MIXTURE_EFFECT} standard deviations of one customer's value: the test is most sensitive to effects
 * of about that size, still valid for any. Nothing is declared before {@link #MIN_EXPOSED} customers saw each variant.
 */
public final class SequentialTest {

    /** The effect, in standard deviations of one customer's value, that the mixture is centred on. */
    public static final double MIXTURE_EFFECT = 0.05;
    /** Customers per variant before any verdict: below it the normal approximation is not to be trusted. */
    public static final long MIN_EXPOSED = 100;
    /** Exposures per variant beyond which "more needed" is not worth stating. */
    static final long NEEDED_CAP = 1_000_000_000L;

    /** What the figures say so far. */
    public enum Verdict {
        /** Fewer than {@link #MIN_EXPOSED} customers in a variant. */
        TOO_EARLY,
        /** The variant is better than the control with the confidence asked for. */
        BETTER,
        /** The variant is worse than the control with the confidence asked for. */
        WORSE,
        /** Neither yet: the interval still holds no difference. */
        NO_DIFFERENCE_YET
    }

    /**
     * One metric, variant against control.
     *
     * @param difference          variant minus control
     * @param lower               the confidence sequence of the difference at this moment
     * @param relativeLift        difference over the control's mean (NaN when the control's mean is 0), with its interval
     * @param pValue              always-valid p-value of "no difference"
     * @param moreExposuresNeeded per variant, how many more customers it would take to decide if the difference seen so
     *                            far were the true one; 0 once decided, -1 when no difference is seen at all
     */
    public record Comparison(Metric metric, double control, double variant, double difference, double lower, double upper,
                             double relativeLift, double relativeLower, double relativeUpper, double pValue, Verdict verdict,
                             long moreExposuresNeeded) {}

    private SequentialTest() {}

    /** @param confidence e.g. 0.95: the chance that a declared verdict is right, however often it is looked at */
    public static Comparison compare(VariantTally control, VariantTally variant, Metric metric, double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1: " + confidence);
        }
        double alpha = 1 - confidence;
        Moments a = control.moments(metric);
        Moments b = variant.moments(metric);
        double difference = b.mean() - a.mean();
        long n = Math.min(a.n(), b.n());
        double pooledVariance = a.n() + b.n() == 0 ? 0 : (a.variance() * a.n() + b.variance() * b.n()) / (a.n() + b.n());
        if (n < MIN_EXPOSED || pooledVariance <= 0) {
            Verdict verdict = n < MIN_EXPOSED ? Verdict.TOO_EARLY : Verdict.NO_DIFFERENCE_YET;
            return comparison(metric, a, b, difference, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1.0, verdict, -1);
        }
        double v = pooledVariance * (1.0 / a.n() + 1.0 / b.n());
        double tau2 = MIXTURE_EFFECT * MIXTURE_EFFECT * pooledVariance;
        double halfWidth = halfWidth(v, tau2, alpha);
        double lower = difference - halfWidth;
        double upper = difference + halfWidth;
        double pValue = Math.min(1.0, Math.exp(-logLikelihoodRatio(difference, v, tau2)));
        Verdict verdict = lower > 0 ? Verdict.BETTER : upper < 0 ? Verdict.WORSE : Verdict.NO_DIFFERENCE_YET;
        long needed = verdict == Verdict.NO_DIFFERENCE_YET ? moreNeeded(difference, pooledVariance, a.n(), b.n(), tau2, alpha) : 0;
        return comparison(metric, a, b, difference, lower, upper, pValue, verdict, needed);
    }

    private static Comparison comparison(Metric metric, Moments a, Moments b, double difference, double lower, double upper,
                                         double pValue, Verdict verdict, long needed) {
        double base = a.mean();
        return new Comparison(metric, a.mean(), b.mean(), difference, lower, upper, relative(difference, base), relative(lower, base),
                relative(upper, base), pValue, verdict, needed);
    }

    private static double relative(double value, double base) {
        return base == 0 ? Double.NaN : value / base;
    }

    /** log Λ for an observed difference with variance {@code v} under the N(0, τ²) mixture. */
    static double logLikelihoodRatio(double difference, double v, double tau2) {
        return 0.5 * Math.log(v / (v + tau2)) + difference * difference * tau2 / (2 * v * (v + tau2));
    }

    /** The differences within this of the estimate keep Λ below 1/α: the confidence sequence's half-width. */
    static double halfWidth(double v, double tau2, double alpha) {
        return Math.sqrt(v * (v + tau2) / tau2 * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)));
    }

    /**
     * The fewest further customers per variant (the variants growing in their present proportion) after which the
     * difference seen so far would lie outside the interval; -1 without a difference, the cap when out of reach.
     */
    static long moreNeeded(double difference, double variance, long controlN, long variantN, double tau2, double alpha) {
        if (difference == 0) {
            return -1;
        }
        double ratio = (double) variantN / controlN;
        long low = 0;
        long high = 1;
        while (!decidedAfter(high, difference, variance, controlN, ratio, tau2, alpha)) {
            if (high >= NEEDED_CAP) {
                return NEEDED_CAP;
            }
            low = high;
            high = Math.min(NEEDED_CAP, high * 2);
        }
        while (high - low > 1) {
            long mid = (low + high) >>> 1;
            if (decidedAfter(mid, difference, variance, controlN, ratio, tau2, alpha)) {
                high = mid;
            } else {
                low = mid;
            }
        }
        return high;
    }

    private static boolean decidedAfter(long more, double difference, double variance, long controlN, double ratio, double tau2, double alpha) {
        double control = controlN + more;
        double variant = control * ratio;
        double v = variance * (1 / control + 1 / variant);
        return Math.abs(difference) > halfWidth(v, tau2, alpha);
    }
}
