package io.nudge.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.experiments.SequentialTest.Comparison;
import io.nudge.experiments.SequentialTest.Verdict;
import io.nudge.experiments.VariantTally.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequentialTestTest {

    /** Exposures per variant between two looks: a marketer refreshing the page all day. */
    private static final int LOOK_EVERY = 100;

    /** One simulated experiment: two variants' customers arriving in turn, each converting with its own chance. */
    private static final class Simulation {
        final SplittableRandom random;
        final double controlRate;
        final double variantRate;
        VariantTally control = VariantTally.NONE;
        VariantTally variant = VariantTally.NONE;

        Simulation(long seed, double controlRate, double variantRate) {
            this.random = new SplittableRandom(seed);
            this.controlRate = controlRate;
            this.variantRate = variantRate;
        }

        void expose(int perVariant) {
            for (int i = 0; i < perVariant; i++) {
                control = customer(control, controlRate);
                variant = customer(variant, variantRate);
            }
        }

        private VariantTally customer(VariantTally tally, double rate) {
            tally = tally.exposure();
            // Revenue of a buyer: log-normal, as baskets are (median e^3 ≈ 20, a long right tail).
            return random.nextDouble() < rate ? tally.conversion(Math.exp(3 + random.nextGaussian())) : tally;
        }

        /** The first verdict other than "not yet" while looking after every batch, up to {@code maxPerVariant}. */
        Verdict watch(Metric metric, int maxPerVariant) {
            while (control.exposed() < maxPerVariant) {
                expose(LOOK_EVERY);
                Verdict verdict = SequentialTest.compare(control, variant, metric, 0.95).verdict();
                if (verdict == Verdict.BETTER || verdict == Verdict.WORSE) {
                    return verdict;
                }
            }
            return Verdict.NO_DIFFERENCE_YET;
        }
    }

    @Test
    void aThousandExperimentsWithoutADifferenceWatchedContinuouslyDeclareAWinnerInAtMostFivePercent() {
        int declared = 0;
        int naiveDeclared = 0;
        for (int seed = 0; seed < 1000; seed++) {
            Simulation aa = new Simulation(seed, 0.05, 0.05);
            boolean naive = false;
            while (aa.control.exposed() < 20_000) {
                aa.expose(LOOK_EVERY);
                Verdict verdict = SequentialTest.compare(aa.control, aa.variant, Metric.CONVERSION, 0.95).verdict();
                if (verdict == Verdict.BETTER || verdict == Verdict.WORSE) {
                    declared++;
                    break;
                }
                naive |= Math.abs(fixedHorizonZ(aa.control, aa.variant)) > 1.96;
            }
            naiveDeclared += naive ? 1 : 0;
        }
        System.out.printf("[measured] A/A, 1,000 experiments at 5 %% conversion, looked at every %d exposures up to 20,000 per variant:"
                + " declared a winner in %d (%.1f %%); a fixed-horizon z-test looked at as often: %d (%.1f %%)%n",
                LOOK_EVERY, declared, declared / 10.0, naiveDeclared, naiveDeclared / 10.0);
        assertTrue(declared <= 50, declared + " of 1,000 declared a winner without a difference");
        assertTrue(naiveDeclared > 150, "peeking at a fixed-horizon test is what this test guards against: " + naiveDeclared);
    }

    @Test
    void revenuePerExposedCustomerStaysValidWithItsLongTail() {
        int declared = 0;
        for (int seed = 0; seed < 300; seed++) {
            if (new Simulation(10_000 + seed, 0.05, 0.05).watch(Metric.REVENUE, 20_000) != Verdict.NO_DIFFERENCE_YET) {
                declared++;
            }
        }
        System.out.printf("[measured] A/A on revenue per exposed customer, 300 experiments: declared a winner in %d (%.1f %%)%n",
                declared, declared / 3.0);
        assertTrue(declared <= 15, declared + " of 300");
    }

    @Test
    void aPlantedTenPercentLiftIsFoundAndHowManyExposuresItTookIsKnown() {
        List<Long> needed = new ArrayList<>();
        int wrongWay = 0;
        for (int seed = 0; seed < 200; seed++) {
            Simulation ab = new Simulation(20_000 + seed, 0.10, 0.11);
            Verdict verdict = ab.watch(Metric.CONVERSION, 200_000);
            if (verdict == Verdict.BETTER) {
                needed.add(ab.control.exposed());
            } else if (verdict == Verdict.WORSE) {
                wrongWay++;
            }
        }
        needed.sort(Long::compare);
        long median = needed.get(needed.size() / 2);
        System.out.printf("[measured] planted +10 %% lift (10 %% -> 11 %% conversion), 200 experiments: found in %d, the wrong way in %d;"
                + " exposures per variant when found: median %,d, 90th percentile %,d%n",
                needed.size(), wrongWay, median, needed.get(needed.size() * 9 / 10 - 1));
        assertTrue(needed.size() >= 180, "found in " + needed.size() + " of 200");
        assertTrue(wrongWay <= 2, "declared worse in " + wrongWay);
    }

    @Test
    void theVerdictSaysTooEarlyThenHowManyMoreThenWhich() {
        VariantTally control = tally(50, 5);
        VariantTally variant = tally(50, 9);
        assertEquals(Verdict.TOO_EARLY, SequentialTest.compare(control, variant, Metric.CONVERSION, 0.95).verdict());

        Comparison undecided = SequentialTest.compare(tally(1_000, 100), tally(1_000, 110), Metric.CONVERSION, 0.95);
        assertEquals(Verdict.NO_DIFFERENCE_YET, undecided.verdict());
        assertEquals(0.01, undecided.difference(), 1e-12);
        assertEquals(0.1, undecided.relativeLift(), 1e-9);
        assertTrue(undecided.lower() < 0 && undecided.upper() > 0.01, undecided.toString());
        assertTrue(undecided.moreExposuresNeeded() > 1_000, undecided.toString());

        long more = undecided.moreExposuresNeeded();
        long total = 1_000 + more;
        Comparison later = SequentialTest.compare(tally(total, Math.round(total * 0.10)), tally(total, Math.round(total * 0.11)), Metric.CONVERSION, 0.95);
        assertEquals(Verdict.BETTER, later.verdict(), "with as many more as it said, the same rates decide: " + later);
        assertTrue(later.pValue() <= 0.05 + 1e-9, later.toString());
        Comparison worse = SequentialTest.compare(tally(total, Math.round(total * 0.11)), tally(total, Math.round(total * 0.10)), Metric.CONVERSION, 0.95);
        assertEquals(Verdict.WORSE, worse.verdict());

        assertEquals(-1, SequentialTest.compare(tally(1_000, 100), tally(1_000, 100), Metric.CONVERSION, 0.95).moreExposuresNeeded(),
                "no difference seen: no number to give");
    }

    private static VariantTally tally(long exposed, long converted) {
        VariantTally tally = new VariantTally(exposed, 0, 0, 0);
        for (long i = 0; i < converted; i++) {
            tally = tally.conversion(20);
        }
        return tally;
    }

    /** The textbook two-proportion z statistic, meant to be looked at once. */
    private static double fixedHorizonZ(VariantTally a, VariantTally b) {
        double pooled = (double) (a.converted() + b.converted()) / (a.exposed() + b.exposed());
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / a.exposed() + 1.0 / b.exposed()));
        return se == 0 ? 0 : (b.conversionRate() - a.conversionRate()) / se;
    }
}
