package io.nudge.cli;

import io.nudge.config.NudgeConfig;
import io.nudge.crosssell.AssociationLearner;
import io.nudge.evaluation.NextBasketEvaluation;
import io.nudge.evaluation.RetailTransactions;
import io.nudge.offers.ItemRecommender;
import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Offline quality: next-basket prediction on a real shop's transactions, against two baselines. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Replay a shop's transactions (the UCI Online Retail CSV, optionally .gz) in time order through "
                + "Nudge's profile, cross-sell and scoring code and measure next-basket prediction: before each order "
                + "in the test period of a customer with earlier purchases, recommend K items.",
                "Prints hit-rate@K (orders containing at least one recommended item) and recall@K for Nudge (with the catalogue "
                + "built from the data's descriptions and prices, and without) and two baselines: the most popular items of the "
                + "last 30 days, and the customer's own most frequently bought items; and for each, how many of the items first "
                + "sold in the test period it ever recommended."})
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    RetailDataOption retail;

    @Option(names = "--train-end", required = true, paramLabel = "DATE",
            description = "First day of the test period, e.g. 2011-08-01 (shop time); earlier orders only train.")
    LocalDate trainEnd;

    @Option(names = "--test-end", required = true, paramLabel = "DATE",
            description = "Day after the test period, e.g. 2011-10-01; later orders are ignored.")
    LocalDate testEnd;

    @Option(names = "--k", defaultValue = "10", description = "Items recommended per order (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--popularity-window", defaultValue = "30d",
            description = "Window of the popularity baseline and of Nudge's trending signal (default: ${DEFAULT-VALUE}).")
    String popularityWindow;

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path data = retail.readable();
        if (!testEnd.isAfter(trainEnd)) {
            throw new ParameterException(spec.commandLine(), "--test-end must be after --train-end");
        }
        if (k < 1) {
            throw new ParameterException(spec.commandLine(), "--k must be at least 1");
        }
        NudgeConfig config = options.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = spec.commandLine().getErr();
        long started = System.nanoTime();

        RetailTransactions.Read read = RetailTransactions.read(data,
                lines -> progress.printf("\rread %,d lines", lines).flush());
        progress.printf("%nskipped: %s%n", read.skipped()).flush();

        NextBasketEvaluation.Settings settings = new NextBasketEvaluation.Settings(
                shopMidnight(trainEnd), shopMidnight(testEnd), k, NudgeConfig.duration(popularityWindow),
                AssociationLearner.from(config), ItemRecommender.Weights.from(config), config.get(NudgeConfig.RECOMMEND_NEW_WITHIN),
                CustomerMetrics.Thresholds.from(config));
        NextBasketEvaluation evaluation = new NextBasketEvaluation(settings, new ProfileUpdater(ProfileSettings.from(config)), read.descriptions());
        Map<String, NextBasketEvaluation.Score> scores = evaluation.run(read.events(),
                orders -> progress.printf("\rreplayed %,d orders", orders).flush());
        progress.printf("%ndone in %.1f s%n", Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0).flush();

        out.printf("%nNext-basket prediction, test orders %s .. %s (shop time), k = %d%n", trainEnd, testEnd.minusDays(1), k);
        out.printf("| method | orders | hit-rate@%d | recall@%d | new items ever recommended |%n|---|---:|---:|---:|---:|%n", k, k);
        scores.forEach((method, score) -> out.printf("| %s | %,d | %.4f | %.4f | %,d of %,d (%.1f %%) |%n", method, score.orders(), score.hitRate(),
                score.recall(), score.newItemsRecommended(), score.newItems(), 100.0 * score.newItemsRecommended() / Math.max(1, score.newItems())));
        NextBasketEvaluation.TimingScore timing = evaluation.timing();
        out.printf("%nNext purchase date, customers with a purchase before %s and one in the test period (the first counts)%n", trainEnd);
        out.printf("| method | customers | median absolute error (days) | inside the 80 %% interval |%n|---|---:|---:|---:|%n");
        out.printf("| nudge (own rhythm, shrunk toward the shop's) | %,d | %.1f | %.1f %% |%n", timing.customers(), timing.medianErrorDays(),
                100 * timing.insideInterval());
        out.printf("| shop-wide median gap (%.1f days) after the last purchase | %,d | %.1f | |%n", timing.shopMedianGapDays(), timing.customers(),
                timing.baselineMedianErrorDays());
        out.printf("| the same, not before the end of training | %,d | %.1f | |%n", timing.customers(), timing.knowingBaselineMedianErrorDays());
        NextBasketEvaluation.ChurnScore churn = evaluation.churn();
        out.printf("%nChurn: no purchase within the test period (%.0f days) after buying before it; %,d customers, %,d churned%n",
                churn.horizonDays(), churn.customers(), churn.churned());
        out.printf("| score | AUC |%n|---|---:|%n| nudge churn risk (recency against the customer's rhythm, frequency) | %.4f |%n| recency alone | %.4f |%n",
                churn.auc(), churn.recencyAuc());
        out.printf("%nLifecycle stage at %s: customers flagged at risk or lapsed, and how many of them churned%n", trainEnd);
        out.printf("| rule | flagged | churned among them | share of all churned flagged |%n|---|---:|---:|---:|%n");
        flaggedRow(out, "nudge (by their own rhythm: overdue, or churn risk from lifecycle.at.risk.churn)", churn.byRhythm(), churn.churned());
        flaggedRow(out, "fixed absence (lifecycle.at.risk.after)", churn.byFixedAbsence(), churn.churned());
        out.flush();
        return 0;
    }

    private static void flaggedRow(PrintWriter out, String rule, NextBasketEvaluation.Flagged flagged, int churned) {
        out.printf("| %s | %,d | %.1f %% | %.1f %% |%n", rule, flagged.customers(), 100.0 * flagged.churned() / Math.max(1, flagged.customers()),
                100.0 * flagged.churned() / Math.max(1, churned));
    }

    private static Instant shopMidnight(LocalDate day) {
        return day.atStartOfDay(RetailTransactions.SHOP_ZONE).toInstant();
    }
}
