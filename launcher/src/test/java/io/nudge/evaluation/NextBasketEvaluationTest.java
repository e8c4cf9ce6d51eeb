package io.nudge.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.crosssell.AssociationLearner;
import io.nudge.offers.ItemRecommender;
import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.InteractionEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NextBasketEvaluationTest {

    private static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    @TempDir
    Path dir;

    @Test
    void readsPurchaseLinesAndSkipsCancellationsAndNonProducts() throws Exception {
        Path csv = dir.resolve("retail.csv");
        Files.writeString(csv, HEADER
                + "536365,85123A,\"WHITE HANGING HEART, T-LIGHT HOLDER\",6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
                + "536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,,United Kingdom\n"
                + "C536379,22556,RETURNED,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom\n"
                + "536370,POST,POSTAGE,3,2010-12-01 08:45:00,18,12583.0,France\n");

        RetailTransactions.Read read = RetailTransactions.read(csv, lines -> { });

        assertEquals(2, read.events().size());
        InteractionEvent first = read.events().get(0);
        assertEquals("17850", first.getCustomerId());
        assertEquals("85123A", first.getItemId());
        assertEquals("536365", first.getAttributes().get("orderId"));
        assertEquals(Instant.parse("2010-12-01T08:26:00Z"), first.getEventTime(), "UK winter time is UTC");
        assertNull(read.events().get(1).getCustomerId());
        assertEquals("guest-536366", read.events().get(1).getAnonymousId());
        assertEquals(Map.of("cancellation or return", 1L, "not a product (postage, fee, adjustment)", 1L), read.skipped());
    }

    /**
     * Eight orders, one every {@code every} days from {@code firstDay} of the month in {@code dayPattern}: customer 1
     * buys items 10001 and 10002 at 1.00, customers 2 to 5 buy sugar (10003).
     */
    private static StringBuilder teaAndSugar(String dayPattern, int firstDay, int every, String tea, String cups) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int week = 0; week < 8; week++) {
            String day = String.format(dayPattern, firstDay + week * every);
            csv.append("A").append(week).append(",10001,").append(tea).append(",1,").append(day).append(",1,1.0,UK\n");
            csv.append("A").append(week).append(",10002,").append(cups).append(",1,").append(day).append(",1,1.0,UK\n");
            for (int other = 2; other < 6; other++) {
                csv.append("B").append(week).append(other).append(",10003,SUGAR,1,").append(day).append(",1,").append(other).append(".0,UK\n");
            }
        }
        return csv;
    }

    @Test
    void scoresEachMethodOnTheTestOrdersOfKnownCustomers() throws Exception {
        // Customer 1 buys tea and cups every week; everyone else buys sugar, the shop's best seller.
        StringBuilder csv = teaAndSugar("2011-01-%02d 10:00:00", 3, 3, "TEA", "CUPS");
        Path file = dir.resolve("weekly.csv");
        Files.writeString(file, csv.toString());
        NextBasketEvaluation evaluation = new NextBasketEvaluation(new NextBasketEvaluation.Settings(
                Instant.parse("2011-01-15T00:00:00Z"), Instant.parse("2011-02-01T00:00:00Z"), 1, Duration.ofDays(30),
                AssociationLearner.from(NudgeConfig.defaults()), ItemRecommender.Weights.from(NudgeConfig.defaults()), Duration.ofDays(30),
                CustomerMetrics.Thresholds.from(NudgeConfig.defaults())),
                new ProfileUpdater(ProfileSettings.defaults()), Map.of());

        Map<String, NextBasketEvaluation.Score> scores = evaluation.run(RetailTransactions.read(file, lines -> { }).events(), orders -> { });

        assertEquals(List.of("nudge", "nudge-without-catalogue", "popular-30d", "own-most-frequent"), List.copyOf(scores.keySet()));
        NextBasketEvaluation.Score nudge = scores.get("nudge");
        assertEquals(20, nudge.orders(), "4 test weeks x 5 customers with history");
        assertEquals(1.0, nudge.hitRate(), 1e-9, "everyone rebuys what they bought");
        assertEquals(0.8, scores.get("popular-30d").hitRate(), 1e-9, "sugar is right for all but customer 1");
        assertEquals(0.9, nudge.recall(), 1e-9, "one of customer 1's two items per order");
    }

    @Test
    void anItemFirstSoldInTheTestPeriodIsRecommendedOnlyWithTheCatalogue() throws Exception {
        // As above, and after the training period a guest buys a tea cosy once, a new item numbered with the tea things.
        StringBuilder csv = teaAndSugar("2010-12-%02d 10:00:00", 1, 4, "ASSAM TEA", "TEA CUPS");
        csv.append("D1,10004,TEA COSY,1,2010-12-26 09:00:00,1,,UK\n");
        Path file = dir.resolve("new-item.csv");
        Files.writeString(file, csv.toString());
        RetailTransactions.Read read = RetailTransactions.read(file, lines -> { });
        NextBasketEvaluation evaluation = new NextBasketEvaluation(new NextBasketEvaluation.Settings(
                Instant.parse("2010-12-25T00:00:00Z"), Instant.parse("2011-02-01T00:00:00Z"), 3, Duration.ofDays(30),
                AssociationLearner.from(NudgeConfig.defaults()), ItemRecommender.Weights.from(NudgeConfig.defaults()), Duration.ofDays(30),
                CustomerMetrics.Thresholds.from(NudgeConfig.defaults())),
                new ProfileUpdater(ProfileSettings.defaults()), read.descriptions());

        Map<String, NextBasketEvaluation.Score> scores = evaluation.run(read.events(), orders -> { });

        assertEquals(1, scores.get("nudge").newItems(), "the tea cosy");
        assertEquals(1, scores.get("nudge").newItemsRecommended(), "like the tea customer 1 buys, and new: recommended to them");
        assertEquals(0, scores.get("nudge-without-catalogue").newItemsRecommended(), "one sale is not enough history");
        assertEquals(scores.get("nudge-without-catalogue").hitRate(), scores.get("nudge").hitRate(), 1e-9, "what people rebuy still comes first");
    }

    @Test
    void theCatalogueDerivesPathAndAttributesFromCodeAndDescription() {
        InteractionEvent sale = InteractionEvent.newBuilder().setEventId("e").setType(io.nudge.schemas.EventType.PURCHASE).setCustomerId("1")
                .setEventTime(Instant.parse("2011-01-01T00:00:00Z")).setItemId("85123A").setPrice(2.55).setCurrency("GBP").build();
        var item = RetailCatalogue.publishedBy(sale, "WHITE HANGING HEART T-LIGHT HOLDER");
        assertEquals(List.of("85", "851", "85123"), item.getCategoryPath());
        assertEquals("851", item.getCategory());
        assertEquals(Map.of("colour", "white", "kind", "holder"), item.getAttributes());
        assertEquals(sale.getEventTime(), item.getPublishedAt());
    }

    @Test
    void aucIsTheChanceAChurnedCustomerScoresAboveAReturningOne() {
        assertEquals(1.0, NextBasketEvaluation.auc(List.of(new double[] {0.9, 1}, new double[] {0.1, 0})), 1e-9);
        assertEquals(0.0, NextBasketEvaluation.auc(List.of(new double[] {0.1, 1}, new double[] {0.9, 0})), 1e-9);
        assertEquals(0.5, NextBasketEvaluation.auc(List.of(new double[] {0.5, 1}, new double[] {0.5, 0})), 1e-9, "ties count half");
        assertEquals(0.75, NextBasketEvaluation.auc(List.of(new double[] {0.8, 1}, new double[] {0.3, 1}, new double[] {0.5, 0}, new double[] {0.1, 0})), 1e-9);
    }

    @Test
    void theNextPurchaseOfARegularIsPredictedFromTheirRhythmAndTheQuietOnesAreAtRisk() throws Exception {
        // Customer 1 buys every 7 days throughout; customer 2 bought weekly, then stopped a month before the test period.
        StringBuilder csv = new StringBuilder(HEADER);
        for (int week = 0; week < 12; week++) {
            String day = java.time.LocalDate.of(2011, 5, 2).plusDays(7L * week) + " 10:00:00";
            csv.append("R").append(week).append(",10001,TEA,1,").append(day).append(",1,1.0,UK\n");
            if (week < 5) {
                csv.append("Q").append(week).append(",10002,CUPS,1,").append(day).append(",1,2.0,UK\n");
            }
        }
        Path file = dir.resolve("rhythm.csv");
        Files.writeString(file, csv.toString());
        NextBasketEvaluation evaluation = new NextBasketEvaluation(new NextBasketEvaluation.Settings(
                Instant.parse("2011-07-01T00:00:00Z"), Instant.parse("2011-08-01T00:00:00Z"), 3, Duration.ofDays(30),
                AssociationLearner.from(NudgeConfig.defaults()), ItemRecommender.Weights.from(NudgeConfig.defaults()), Duration.ofDays(30),
                CustomerMetrics.Thresholds.from(NudgeConfig.defaults())),
                new ProfileUpdater(ProfileSettings.defaults()), Map.of());
        evaluation.run(RetailTransactions.read(file, lines -> { }).events(), orders -> { });

        NextBasketEvaluation.TimingScore timing = evaluation.timing();
        assertEquals(1, timing.customers(), "only customer 1 bought in the test period");
        assertTrue(timing.medianErrorDays() < 3, "a weekly buyer's next week: " + timing.medianErrorDays());
        NextBasketEvaluation.ChurnScore churn = evaluation.churn();
        assertEquals(2, churn.customers());
        assertEquals(1, churn.churned());
        assertEquals(1.0, churn.auc(), 1e-9, "the quiet one is the riskier");
    }
}
