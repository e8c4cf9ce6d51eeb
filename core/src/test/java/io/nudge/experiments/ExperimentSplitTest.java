package io.nudge.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.ExperimentOutcome;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.OutcomeKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExperimentSplitTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final Experiment CART = ExperimentJson.parse(ExperimentJsonTest.CART_REMINDER, "cart-reminder", 1, true).experiment();
    private final ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());

    private static Experiment fiftyFifty(String id) {
        return ExperimentJson.parse("{\"name\": \"" + id + "\", \"variants\": [{\"name\": \"a\", \"weight\": 1, \"offer\": \"" + id + "-a\"},"
                + " {\"name\": \"b\", \"weight\": 1, \"offer\": \"" + id + "-b\"}]}", id, 1, true).experiment();
    }

    @Test
    void splitsByWeightAndIndependentlyOfOtherExperiments() {
        Map<String, Integer> counts = new HashMap<>();
        Experiment first = fiftyFifty("first");
        Experiment second = fiftyFifty("second");
        int both = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            String id = "customer-" + i;
            counts.merge(CART.variantFor(id).name(), 1, Integer::sum);
            if (first.variantFor(id).name().equals("a") && second.variantFor(id).name().equals("a")) {
                both++;
            }
            assertEquals(CART.variantFor(id), CART.variantFor(id), "the same id always gets the same variant");
        }
        assertEquals(0.45, counts.get("email") / (double) n, 0.006);
        assertEquals(0.45, counts.get("sms") / (double) n, 0.006);
        assertEquals(0.10, counts.get("holdout") / (double) n, 0.004);
        // Independent salts: being in "a" of one says nothing of the other (0.25 ± 4 standard errors).
        assertEquals(0.25, both / (double) n, 4 * Math.sqrt(0.25 * 0.75 / n));
    }

    @Test
    void aCustomerIsExposedOnceAndHoldoutGetsNothing() {
        ExperimentSplit split = new ExperimentSplit(List.of(CART));
        Map<String, Integer> given = new HashMap<>();
        List<ExperimentOutcome> exposures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            CustomerProfile profile = ProfileUpdater.newProfile("c-" + i, T0);
            for (int repeat = 0; repeat < 3; repeat++) {
                boolean email = split.gives(profile, "cart-email", T0.toEpochMilli() + repeat, exposures);
                boolean sms = split.gives(profile, "cart-sms", T0.toEpochMilli() + repeat, exposures);
                String variant = ExperimentLedger.assignment(profile, "cart-reminder").getVariant();
                assertEquals(variant.equals("email"), email);
                assertEquals(variant.equals("sms"), sms);
                given.merge(variant, 1, Integer::sum);
            }
            assertTrue(split.gives(profile, "another-rule", T0.toEpochMilli(), exposures), "rules in no experiment go to everyone");
        }
        assertEquals(2_000, exposures.size(), "one exposure per customer, however often their rules fire");
        assertTrue(given.get("holdout") > 0);
    }

    @Test
    void purchasesCountWithinTheWindowAfterExposure() {
        CustomerProfile profile = ProfileUpdater.newProfile("c-1", T0);
        assertEquals(OutcomeKind.EXPOSURE, ExperimentLedger.expose(profile, "cart-reminder", "sms", Duration.ofDays(3), T0.toEpochMilli()).getKind());
        assertNull(ExperimentLedger.expose(profile, "cart-reminder", "email", Duration.ofDays(3), T0.plusSeconds(60).toEpochMilli()),
                "a second exposure neither counts nor changes the variant");

        assertTrue(purchase(profile, T0.minusSeconds(60), 10).isEmpty(), "bought before the exposure");
        ExperimentOutcome first = purchase(profile, T0.plus(Duration.ofDays(1)), 20).get(0);
        ExperimentOutcome second = purchase(profile, T0.plus(Duration.ofDays(2)), 5).get(0);
        assertTrue(purchase(profile, T0.plus(Duration.ofDays(4)), 50).isEmpty(), "after the window");

        assertEquals("sms", first.getVariant());
        assertTrue(first.getFirstPurchase());
        assertFalse(second.getFirstPurchase());
        assertEquals(20, second.getEarlierValue());
        assertEquals(25, ExperimentLedger.assignment(profile, "cart-reminder").getRevenue());
    }

    @Test
    void theVariantOfAVisitorStaysWithTheCustomerTheyBecome() {
        Experiment offers = fiftyFifty("banner");
        // A visitor whose id hashes to the other variant than the customer's, so that keeping it is the profile's doing.
        String customerId = "customer-7";
        String visitorId = null;
        for (int i = 0; visitorId == null; i++) {
            if (!offers.variantFor("visitor-" + i).equals(offers.variantFor(customerId))) {
                visitorId = "visitor-" + i;
            }
        }
        InteractionEvent exposure = exposure(visitorId, offers, offers.variantFor(visitorId));
        CustomerProfile visitor = updater.apply(null, exposure);
        assertEquals(1, ExperimentLedger.onEvent(visitor, exposure).size());
        CustomerProfile customer = updater.apply(null, InteractionEvent.newBuilder().setEventId("v").setCustomerId(customerId)
                .setType(EventType.PAGE_VIEW).setEventTime(T0).setPage("home").build());
        customer = updater.absorb(customer, visitor);

        Set<String> withheld = new ExperimentSplit(List.of(offers)).withheldOffers(customer, customerId,
                (experiment, variant) -> { throw new AssertionError("exposed again"); });
        assertEquals(Set.of("banner-" + (offers.variantFor(visitorId).name().equals("a") ? "b" : "a")), withheld);
    }

    @Test
    void summedOutcomesEqualTheTallyOfEveryCustomer() {
        SplittableRandom random = new SplittableRandom(7);
        ExperimentResults results = new ExperimentResults();
        ExperimentSplit split = new ExperimentSplit(List.of(CART));
        Map<String, double[]> truth = new HashMap<>(); // variant -> exposed, converted, revenue, revenue²
        for (int i = 0; i < 500; i++) {
            CustomerProfile profile = ProfileUpdater.newProfile("c-" + i, T0);
            List<ExperimentOutcome> outcomes = new ArrayList<>();
            split.gives(profile, "cart-email", T0.toEpochMilli(), outcomes);
            double spent = 0;
            for (int p = random.nextInt(4); p > 0; p--) {
                double value = random.nextInt(1, 100);
                outcomes.addAll(purchase(profile, T0.plus(Duration.ofHours(random.nextInt(1, 200))), value));
            }
            var assignment = ExperimentLedger.assignment(profile, "cart-reminder");
            spent = assignment.getRevenue();
            double[] t = truth.computeIfAbsent(assignment.getVariant(), v -> new double[4]);
            t[0]++;
            t[1] += assignment.getConverted() ? 1 : 0;
            t[2] += spent;
            t[3] += spent * spent;
            outcomes.forEach(results::add);
        }
        for (var entry : truth.entrySet()) {
            VariantTally tally = results.tally("cart-reminder", entry.getKey());
            assertEquals(entry.getValue()[0], tally.exposed());
            assertEquals(entry.getValue()[1], tally.converted());
            assertEquals(entry.getValue()[2], tally.revenue(), 1e-6);
            assertEquals(entry.getValue()[3], tally.revenueSquares(), 1e-6);
        }
    }

    private List<ExperimentOutcome> purchase(CustomerProfile profile, Instant at, double value) {
        InteractionEvent event = InteractionEvent.newBuilder().setEventId("p@" + at).setCustomerId(profile.getProfileKey())
                .setType(EventType.PURCHASE).setEventTime(at).setItemId("lamp").setPrice(value).setQuantity(1).build();
        updater.apply(profile, event);
        return ExperimentLedger.onEvent(profile, event);
    }

    private static InteractionEvent exposure(String visitorId, Experiment experiment, Experiment.Variant variant) {
        return ExperimentLedger.exposureEvent(visitorId, false, experiment, variant, T0.minusSeconds(600));
    }
}
