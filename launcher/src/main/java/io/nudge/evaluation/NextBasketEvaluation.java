package io.nudge.evaluation;

import io.nudge.crosssell.AssociationLearner;
import io.nudge.crosssell.CoOccurrences;
import io.nudge.crosssell.ItemPair;
import io.nudge.events.EventTypes;
import io.nudge.events.ProfileKeys;
import io.nudge.offers.ItemRecommender;
import io.nudge.offers.RecommendationContext;
import io.nudge.offers.RecommendedItem;
import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.LifecycleStage;
import io.nudge.profile.ProfileUpdater;
import io.nudge.profile.PurchaseRhythm;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Item;
import io.nudge.schemas.ItemCount;
import io.nudge.serving.items.ItemStore;
import io.nudge.serving.store.AssociationStore;
import io.nudge.trending.PopularItems;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Next-basket prediction on a shop's history, replayed in time order through the same profile, cross-sell
 * and scoring code as the live system. Before each test-period order of a customer who already bought
 * something, every method recommends {@code k} items; an order is a hit when it contains at least one of them.
 * Learning goes on through the test period, as it would live: each order is applied after it was predicted. The
 * catalogue ({@link RetailCatalogue}) grows as items are first sold; Nudge is scored with it and without it, and each
 * method's coverage of the items first sold in the test period says whether new items get recommended at all.
 */
public final class NextBasketEvaluation {

    /** Scores of one method over the test orders. */
    public static final class Score {
        private long orders;
        private long hits;
        private double recallSum;
        private final Set<String> everRecommended = new HashSet<>();
        private Set<String> newItems = Set.of();

        void add(List<String> recommended, Set<String> bought) {
            everRecommended.addAll(recommended);
            long found = recommended.stream().filter(bought::contains).count();
            orders++;
            hits += found > 0 ? 1 : 0;
            recallSum += (double) found / bought.size();
        }

        public long orders() {
            return orders;
        }

        public double hitRate() {
            return orders == 0 ? 0 : (double) hits / orders;
        }

        public double recall() {
            return orders == 0 ? 0 : recallSum / orders;
        }

        /** How many of the items first sold in the test period this method ever recommended. */
        public long newItemsRecommended() {
            return newItems.stream().filter(everRecommended::contains).count();
        }

        public long newItems() {
            return newItems.size();
        }
    }

    /**
     * @param newWithin how long after its publication an item counts as new ({@code recommend.new.within})
     * @param lifecycle the lifecycle thresholds; their shop rhythm is replaced by the one the data shows
     */
    public record Settings(Instant trainEnd, Instant testEnd, int k, Duration popularityWindow,
                           AssociationLearner associations, ItemRecommender.Weights weights, Duration newWithin,
                           CustomerMetrics.Thresholds lifecycle) {}

    /** Trending candidates the recommender sees, as the job would publish them. */
    static final int TRENDING_ITEMS = 100;

    private final Settings settings;
    private final ProfileUpdater updater;
    private final CoOccurrences coOccurrences;
    private final AssociationLearner learner;
    private final ItemRecommender recommender;
    /** The catalogue as the shop would have sent it so far: items appear at their first sale. */
    private final ItemStore catalogue = new ItemStore();
    private final Map<String, String> descriptions;
    private final Set<String> newItems = new HashSet<>();
    /** Customers (not guests), their rhythm as it stood at the end of training, and their first purchase after it. */
    private final Set<String> customers = new HashSet<>();
    private Map<String, PurchaseRhythm.Estimate> rhythmsAtTrainEnd;
    /** Each customer's lifecycle stage as training ends. */
    private final Map<String, LifecycleStage> stagesAtTrainEnd = new HashMap<>();
    private double shopMedianGapDays;
    private final Map<String, Instant> firstTestPurchase = new HashMap<>();

    private final Map<String, CustomerProfile> profiles = new HashMap<>();
    /** The associations learned so far, held as the serving store holds them. */
    private final AssociationStore associations;
    private final Map<String, Map<String, Purchases>> purchasesByCustomer = new HashMap<>();
    private final Deque<Pane> panes = new ArrayDeque<>();
    private long trendingDay = Long.MIN_VALUE;
    private List<ItemCount> trending = List.of();

    /** Count and last time of one customer's purchases of one item: the "most frequent" baseline's memory. */
    private static final class Purchases {
        int orders;
        Instant last;
    }

    /** One day of popularity; the window is the panes of its last N days. */
    private record Pane(long day, PopularItems items) {}

    /** @param descriptions item descriptions for the catalogue ({@link RetailCatalogue}) */
    public NextBasketEvaluation(Settings settings, ProfileUpdater updater, Map<String, String> descriptions) {
        this.settings = settings;
        this.descriptions = descriptions;
        this.updater = updater;
        this.coOccurrences = new CoOccurrences(updater.settings().sessionGap());
        this.learner = settings.associations();
        this.associations = new AssociationStore(learner);
        this.recommender = new ItemRecommender(settings.weights());
    }

    /**
     * Runs over {@code events} (purchase lines; ordered here by time, stably) and returns the scores per method,
     * in a fixed order: Nudge first, then the baselines.
     */
    public Map<String, Score> run(List<InteractionEvent> events, IntConsumer ordersDone) {
        List<InteractionEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(InteractionEvent::getEventTime));
        Map<String, Score> scores = new LinkedHashMap<>();
        scores.put("nudge", new Score());
        scores.put("nudge-without-catalogue", new Score());
        scores.put("popular-30d", new Score());
        scores.put("own-most-frequent", new Score());

        int done = 0;
        int i = 0;
        while (i < ordered.size()) {
            int end = i;
            String orderId = ordered.get(i).getAttributes().get(EventTypes.ORDER_ID);
            while (end < ordered.size() && orderId.equals(ordered.get(end).getAttributes().get(EventTypes.ORDER_ID))) {
                end++;
            }
            List<InteractionEvent> order = ordered.subList(i, end);
            InteractionEvent first = order.get(0);
            Instant at = first.getEventTime();
            if (!at.isBefore(settings.testEnd())) {
                break;
            }
            if (rhythmsAtTrainEnd == null && !at.isBefore(settings.trainEnd())) {
                snapshotRhythms();
            }
            if (!at.isBefore(settings.trainEnd()) && first.getCustomerId() != null) {
                firstTestPurchase.putIfAbsent(first.getCustomerId(), at);
            }
            if (!at.isBefore(settings.trainEnd()) && first.getCustomerId() != null && profiles.containsKey(first.getCustomerId())) {
                Set<String> bought = new HashSet<>();
                order.forEach(line -> bought.add(line.getItemId()));
                predict(first.getCustomerId(), at, bought, scores);
            }
            order.forEach(this::learn);
            if (++done % 1000 == 0) {
                ordersDone.accept(done);
            }
            i = end;
        }
        ordersDone.accept(done);
        scores.values().forEach(score -> score.newItems = Set.copyOf(newItems));
        return scores;
    }

    private void predict(String customer, Instant at, Set<String> bought, Map<String, Score> scores) {
        List<ItemCount> trending = trendingBefore(at);
        CustomerProfile profile = profiles.get(customer);
        ItemRecommender.NewArrivals arrivals = new ItemRecommender.NewArrivals(catalogue, settings.newWithin());
        scores.get("nudge").add(recommended(profile, at, trending, arrivals), bought);
        scores.get("nudge-without-catalogue").add(recommended(profile, at, trending, ItemRecommender.NewArrivals.NONE), bought);
        scores.get("popular-30d").add(trending.stream().limit(settings.k()).map(ItemCount::getItemId).toList(), bought);
        scores.get("own-most-frequent").add(mostFrequent(customer), bought);
    }

    private List<String> recommended(CustomerProfile profile, Instant at, List<ItemCount> trending, ItemRecommender.NewArrivals arrivals) {
        return recommender.recommend(profile, at, RecommendationContext.NONE, associations, trending, arrivals, item -> true, settings.k(), false)
                .stream().map(RecommendedItem::itemId).toList();
    }

    /**
     * Every customer's rhythm from their profile's orders as training ends, shrunk toward the shop's, which comes from
     * every customer's gaps (and the share of customers who came back); the shop's median gap is the baseline.
     */
    private void snapshotRhythms() {
        List<Double> pooled = new ArrayList<>();
        Map<String, List<Instant>> orderTimes = new HashMap<>();
        int returned = 0;
        for (String customer : customers) {
            List<Instant> times = profiles.get(customer).getRecentOrders().stream().map(io.nudge.schemas.Order::getPlacedAt).toList();
            List<Double> gaps = PurchaseRhythm.gapsInDays(times);
            pooled.addAll(gaps);
            returned += gaps.isEmpty() ? 0 : 1;
            orderTimes.put(customer, times);
        }
        PurchaseRhythm.Prior prior = PurchaseRhythm.Prior.of(pooled, customers.isEmpty() ? 0.5 : (double) returned / customers.size(), 2);
        List<Double> sorted = new ArrayList<>(pooled);
        sorted.sort(Double::compare);
        shopMedianGapDays = sorted.isEmpty() ? 30 : sorted.get(sorted.size() / 2);
        rhythmsAtTrainEnd = new HashMap<>();
        orderTimes.forEach((customer, times) -> {
            PurchaseRhythm.Estimate estimate = PurchaseRhythm.of(times, prior);
            if (estimate != null) {
                rhythmsAtTrainEnd.put(customer, estimate);
            }
        });
        CustomerMetrics.Thresholds lifecycle = settings.lifecycle().withRhythm(prior);
        for (String customer : customers) {
            stagesAtTrainEnd.put(customer, CustomerMetrics.of(profiles.get(customer), settings.trainEnd(), lifecycle).stage());
        }
    }

    /** Predicted next-purchase dates against the first purchase of the test period, for customers who made one. */
    public record TimingScore(int customers, double medianErrorDays, double baselineMedianErrorDays, double knowingBaselineMedianErrorDays,
                              double shopMedianGapDays, double insideInterval) {}

    /**
     * Churn risk at the end of training against whether the customer bought in the test period; and the customers
     * the lifecycle stages flag (at risk or lapsed) by the customer's own rhythm and by the fixed absence threshold
     * alone ({@code lifecycle.at.risk.after}).
     */
    public record ChurnScore(int customers, int churned, double horizonDays, double auc, double recencyAuc,
                             Flagged byRhythm, Flagged byFixedAbsence) {}

    /** How many customers a rule flagged, and how many of them churned. */
    public record Flagged(int customers, int churned) {}

    public TimingScore timing() {
        List<Double> errors = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        List<Double> knowingBaseline = new ArrayList<>();
        int inside = 0;
        for (Map.Entry<String, Instant> bought : firstTestPurchase.entrySet()) {
            PurchaseRhythm.Estimate estimate = rhythmsAtTrainEnd == null ? null : rhythmsAtTrainEnd.get(bought.getKey());
            if (estimate == null) {
                continue; // a customer new in the test period: nothing to predict from
            }
            Instant actual = bought.getValue();
            errors.add(Math.abs(days(estimate.expectedAfter(settings.trainEnd()), actual)));
            Instant shopRhythm = estimate.lastPurchase().plusMillis((long) (shopMedianGapDays * Duration.ofDays(1).toMillis()));
            baseline.add(Math.abs(days(shopRhythm, actual)));
            knowingBaseline.add(Math.abs(days(shopRhythm.isBefore(settings.trainEnd()) ? settings.trainEnd() : shopRhythm, actual)));
            inside += !actual.isBefore(estimate.earliestAfter(settings.trainEnd())) && !actual.isAfter(estimate.latestAfter(settings.trainEnd())) ? 1 : 0;
        }
        return new TimingScore(errors.size(), median(errors), median(baseline), median(knowingBaseline), shopMedianGapDays,
                errors.isEmpty() ? 0 : (double) inside / errors.size());
    }

    public ChurnScore churn() {
        Duration horizon = Duration.between(settings.trainEnd(), settings.testEnd());
        List<double[]> risk = new ArrayList<>();
        List<double[]> recency = new ArrayList<>();
        int churned = 0;
        int[] byRhythm = new int[2];
        int[] byFixedAbsence = new int[2];
        for (Map.Entry<String, PurchaseRhythm.Estimate> customer : rhythmsAtTrainEnd == null ? Map.<String, PurchaseRhythm.Estimate>of().entrySet()
                : rhythmsAtTrainEnd.entrySet()) {
            double gone = firstTestPurchase.containsKey(customer.getKey()) ? 0 : 1;
            churned += (int) gone;
            risk.add(new double[] {customer.getValue().churnRisk(settings.trainEnd(), horizon), gone});
            recency.add(new double[] {days(customer.getValue().lastPurchase(), settings.trainEnd()), gone});
            LifecycleStage stage = stagesAtTrainEnd.get(customer.getKey());
            if (stage == LifecycleStage.AT_RISK || stage == LifecycleStage.LAPSED) {
                byRhythm[0]++;
                byRhythm[1] += (int) gone;
            }
            // The data's only visits are its purchases, so absence is the time since the last one.
            if (!customer.getValue().lastPurchase().plus(settings.lifecycle().atRiskAfter()).isAfter(settings.trainEnd())) {
                byFixedAbsence[0]++;
                byFixedAbsence[1] += (int) gone;
            }
        }
        return new ChurnScore(risk.size(), churned, horizon.toHours() / 24.0, auc(risk), auc(recency),
                new Flagged(byRhythm[0], byRhythm[1]), new Flagged(byFixedAbsence[0], byFixedAbsence[1]));
    }

    /** The chance that a random churned customer scores above a random returning one (ties count half). */
    static double auc(List<double[]> scored) {
        List<double[]> sorted = new ArrayList<>(scored);
        sorted.sort(Comparator.comparingDouble(s -> s[0]));
        double rankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j)[0] == sorted.get(i)[0]) {
                j++;
            }
            double averageRank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++) {
                if (sorted.get(k)[1] == 1) {
                    rankSum += averageRank;
                    positives++;
                }
            }
            i = j;
        }
        long negatives = sorted.size() - positives;
        return positives == 0 || negatives == 0 ? 0.5 : (rankSum - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
    }

    private static double days(Instant from, Instant to) {
        return (to.toEpochMilli() - from.toEpochMilli()) / (double) Duration.ofDays(1).toMillis();
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }


    private List<String> mostFrequent(String customer) {
        return purchasesByCustomer.getOrDefault(customer, Map.of()).entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Purchases> e) -> e.getValue().orders).reversed()
                        .thenComparing(e -> e.getValue().last, Comparator.reverseOrder())
                        .thenComparing(Map.Entry::getKey))
                .limit(settings.k())
                .map(Map.Entry::getKey)
                .toList();
    }

    private void learn(InteractionEvent sale) {
        Item item = catalogue.item(sale.getItemId());
        if (item == null) {
            item = RetailCatalogue.publishedBy(sale, descriptions.get(sale.getItemId()));
            catalogue.upsert(item);
            if (!sale.getEventTime().isBefore(settings.trainEnd())) {
                newItems.add(item.getItemId());
            }
        }
        // Sales carry no category; the catalogue's puts them in the customer's category affinity, as a shop's events would.
        InteractionEvent line = InteractionEvent.newBuilder(sale).setCategory(item.getCategory()).build();
        String key = ProfileKeys.of(line);
        CustomerProfile before = profiles.get(key);
        for (ItemPair pair : coOccurrences.of(before, line)) {
            associations.put(learner.apply(associations.get(pair.item()), pair));
        }
        profiles.put(key, updater.apply(before, line));
        if (line.getCustomerId() != null) {
            customers.add(key);
            Purchases p = purchasesByCustomer.computeIfAbsent(key, k -> new HashMap<>())
                    .computeIfAbsent(line.getItemId(), k -> new Purchases());
            p.orders++;
            p.last = line.getEventTime();
        }
        long day = line.getEventTime().toEpochMilli() / Duration.ofDays(1).toMillis();
        if (panes.isEmpty() || panes.peekLast().day() != day) {
            panes.addLast(new Pane(day, new PopularItems()));
        }
        panes.peekLast().items().add(line);
    }

    /**
     * The most popular items over the window of whole days before {@code at}'s day, from the daily panes. Like
     * the job's sliding window it moves once per slide (a day), so it is computed once per day.
     */
    private List<ItemCount> trendingBefore(Instant at) {
        long today = at.toEpochMilli() / Duration.ofDays(1).toMillis();
        if (today != trendingDay) {
            long firstDay = today - settings.popularityWindow().toDays();
            PopularItems window = new PopularItems();
            panes.stream().filter(pane -> pane.day() >= firstDay && pane.day() < today).forEach(pane -> window.merge(pane.items()));
            while (!panes.isEmpty() && panes.peekFirst().day() < firstDay) {
                panes.removeFirst();
            }
            trending = window.top(TRENDING_ITEMS);
            trendingDay = today;
        }
        return trending;
    }
}
