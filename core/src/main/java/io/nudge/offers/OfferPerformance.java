package io.nudge.offers;

import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.OfferStats;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How offers do, summed over customers' profiles: impressions, clicks, dismissals and conversions per offer
 * (conversions are purchases attributed to the offer), and the uplift of personalisation — purchase rate and spend
 * per customer in the treatment group against the control group, which is shown no personalised offers. Feed
 * profiles with {@link #add}; read with {@link #offers()} and {@link #uplift()}.
 */
public final class OfferPerformance {

    /** One offer's totals. */
    public record OfferTotals(String offerId, long impressions, long clicks, long dismissals, long conversions) {
        /** Clicks per impression, or null before any impression. */
        public Double clickThroughRate() {
            return impressions == 0 ? null : (double) clicks / impressions;
        }

        /** Conversions per click, or null before any click. */
        public Double conversionRate() {
            return clicks == 0 ? null : (double) conversions / clicks;
        }
    }

    /** Customers of one group: how many, how many bought, what they spent. */
    public record GroupTotals(long customers, long buyers, double spend) {
        public Double purchaseRate() {
            return customers == 0 ? null : (double) buyers / customers;
        }

        public Double spendPerCustomer() {
            return customers == 0 ? null : spend / customers;
        }
    }

    /**
     * Treatment against control. A relative uplift is null while the control group has no buyers (or no spend):
     * there is nothing to compare with yet.
     */
    public record Uplift(GroupTotals treatment, GroupTotals control) {
        public Double purchaseRate() {
            return relative(treatment.purchaseRate(), control.purchaseRate());
        }

        public Double spendPerCustomer() {
            return relative(treatment.spendPerCustomer(), control.spendPerCustomer());
        }

        private static Double relative(Double treated, Double baseline) {
            return treated == null || baseline == null || baseline == 0 ? null : (treated - baseline) / baseline;
        }
    }

    private final Map<String, long[]> perOffer = new TreeMap<>();
    private final Map<NextBestOffers.Group, double[]> perGroup = new EnumMap<>(NextBestOffers.Group.class);

    /** Adds one customer's profile, of the group the recommendations put them in. */
    public void add(CustomerProfile profile, NextBestOffers.Group group) {
        profile.getOfferHistory().forEach((offerId, stats) -> add(offerId, stats));
        double[] totals = perGroup.computeIfAbsent(group, g -> new double[3]);
        totals[0]++;
        totals[1] += profile.getPurchaseCount() > 0 ? 1 : 0;
        totals[2] += profile.getTotalSpend();
    }

    /** Adds the totals of one offer counted elsewhere (another share of the customers). */
    public void add(OfferTotals offer) {
        long[] totals = perOffer.computeIfAbsent(offer.offerId(), id -> new long[4]);
        totals[0] += offer.impressions();
        totals[1] += offer.clicks();
        totals[2] += offer.dismissals();
        totals[3] += offer.conversions();
    }

    /** Adds the totals of one group counted elsewhere (another share of the customers). */
    public void add(NextBestOffers.Group group, GroupTotals counted) {
        double[] totals = perGroup.computeIfAbsent(group, g -> new double[3]);
        totals[0] += counted.customers();
        totals[1] += counted.buyers();
        totals[2] += counted.spend();
    }

    private void add(String offerId, OfferStats stats) {
        long[] totals = perOffer.computeIfAbsent(offerId, id -> new long[4]);
        totals[0] += stats.getImpressions();
        totals[1] += stats.getClicks();
        totals[2] += stats.getDismissals();
        totals[3] += stats.getConversions();
    }

    /** Every offer seen in a profile, most impressions first. */
    public List<OfferTotals> offers() {
        return perOffer.entrySet().stream()
                .map(e -> new OfferTotals(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3]))
                .sorted(Comparator.comparingLong(OfferTotals::impressions).reversed().thenComparing(OfferTotals::offerId))
                .toList();
    }

    public Uplift uplift() {
        return new Uplift(group(NextBestOffers.Group.TREATMENT), group(NextBestOffers.Group.CONTROL));
    }

    private GroupTotals group(NextBestOffers.Group group) {
        double[] totals = perGroup.getOrDefault(group, new double[3]);
        return new GroupTotals((long) totals[0], (long) totals[1], totals[2]);
    }
}
