package io.nudge.offers;

import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.LifecycleStage;
import io.nudge.schemas.Offer;
import io.nudge.schemas.OfferStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The offers arranged for scoring, built once per change of the offers rather than once per request.
 *
 * <p>An offer's score is its category's relevance (the same for every offer of the category) plus what its own
 * items and history add, times its business value. Most offers of a large set have nothing of their own
 * for a given visitor, so within a category they rank by business value alone: each category's offers are kept
 * in that order (a <em>shelf</em>), and a request scores individually only the offers its profile, page and offer
 * history reach through the item and offer-id indexes, taking the rest from the top of each shelf.
 */
public final class OfferIndex {

    public static final OfferIndex EMPTY = of(List.of());

    /** Within a shelf, the order of offers with nothing of their own: the full scan's order for equal relevance. */
    static final Comparator<Offer> BY_VALUE = Comparator.comparingDouble(Offer::getBusinessValue).reversed()
            .thenComparing(offer -> -offer.getPriority())
            .thenComparing(Offer::getOfferId);

    /** One category's active offers (the category may be null: offers without one), best business value first. */
    record Shelf(String category, Offer[] offers, int[] positions) {}

    private final List<Offer> offers;
    private final Offer[] active;
    private final int[] shelfOfOffer;
    private final Shelf[] shelves;
    private final Map<String, int[]> byItem;
    private final Map<String, Integer> byId;
    private final Rules rules;

    private OfferIndex(List<Offer> offers) {
        this.offers = offers;
        this.active = offers.stream().filter(OfferIndex::canBeOffered).toArray(Offer[]::new);
        this.shelfOfOffer = new int[active.length];
        Map<String, List<Integer>> shelved = new LinkedHashMap<>();
        Map<String, List<Integer>> items = new HashMap<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int position = 0; position < active.length; position++) {
            Offer offer = active[position];
            shelved.computeIfAbsent(offer.getCategory(), c -> new ArrayList<>()).add(position);
            for (String item : offer.getItemIds()) {
                List<Integer> holders = items.computeIfAbsent(item, i -> new ArrayList<>());
                if (holders.isEmpty() || holders.get(holders.size() - 1) != position) {
                    holders.add(position);
                }
            }
            ids.put(offer.getOfferId(), position);
        }
        this.shelves = new Shelf[shelved.size()];
        int shelf = 0;
        for (Map.Entry<String, List<Integer>> entry : shelved.entrySet()) {
            List<Integer> positions = new ArrayList<>(entry.getValue());
            positions.sort(Comparator.comparing(position -> active[position], BY_VALUE));
            for (int position : positions) {
                shelfOfOffer[position] = shelf;
            }
            shelves[shelf++] = new Shelf(entry.getKey(), positions.stream().map(p -> active[p]).toArray(Offer[]::new),
                    positions.stream().mapToInt(Integer::intValue).toArray());
        }
        Map<String, int[]> itemIndex = new HashMap<>();
        items.forEach((item, holders) -> itemIndex.put(item, holders.stream().mapToInt(Integer::intValue).toArray()));
        this.byItem = itemIndex;
        this.byId = ids;
        this.rules = new Rules(active);
    }

    /** @param offers every offer, any status; inactive and spent offers are left out here once */
    public static OfferIndex of(Collection<Offer> offers) {
        return new OfferIndex(List.copyOf(offers));
    }

    /** Status and budget do not change between versions of the offers, so they are judged when indexing. */
    private static boolean canBeOffered(Offer offer) {
        return offer.getStatus() == OfferStatus.ACTIVE && (offer.getBudget() == null || offer.getBudget() > 0);
    }

    /** Every offer indexed, as given. */
    public List<Offer> offers() {
        return offers;
    }

    int activeCount() {
        return active.length;
    }

    Offer active(int position) {
        return active[position];
    }

    int shelfOf(int position) {
        return shelfOfOffer[position];
    }

    Shelf[] shelves() {
        return shelves;
    }

    /** Positions of the active offers holding {@code itemId}; empty if none. */
    int[] holdersOf(String itemId) {
        int[] holders = byItem.get(itemId);
        return holders == null ? NONE : holders;
    }

    /** Position of the active offer {@code offerId}, or -1. */
    int positionOf(String offerId) {
        Integer position = byId.get(offerId);
        return position == null ? -1 : position;
    }

    private static final int[] NONE = new int[0];

    /** Whether the active offer at {@code position} may be offered to this request (the customer's history aside). */
    boolean admits(int position, Asked asked) {
        return rules.admit(position, asked);
    }

    /** What eligibility asks of a request, worked out once per request. */
    record Asked(Instant now, String channel, int channelBit, CustomerMetrics metrics, String pageCategory, Map<String, Double> affinity,
                 Predicate<List<String>> anyAvailable, Predicate<String> inSegment) {
        static Asked of(Instant now, String channel, CustomerMetrics metrics, String pageCategory, Map<String, Double> affinity,
                        Predicate<List<String>> anyAvailable, Predicate<String> inSegment) {
            int index = CHANNELS.indexOf(channel);
            return new Asked(now, channel, index < 0 ? 0 : 1 << index, metrics, pageCategory, affinity, anyAvailable, inSegment);
        }
    }

    private static final List<String> CHANNELS = List.of("web", "email", "sms", "push");
    /** Set in a mask when the offer's list is not empty, so an empty mask means "any". */
    private static final int LISTED = 1 << 31;

    /**
     * Each active offer's eligibility rules, as arrays and bit masks: checking them for thousands of reached offers
     * touches no offer record. An offer is eligible when it is valid now, made for the request's channel, for the
     * customer's lifecycle stage, lifetime value and cart value, (when it names categories) for the page's
     * category or one the customer has shown interest in, (when it names segments) for a member of one of them and
     * for no member of a segment it excludes, and one of its items at least is for sale.
     */
    private static final class Rules {
        final Instant[] validFrom;
        final Instant[] validUntil;
        final int[] channels;
        final List<String>[] channelLists;
        final int[] stages;
        final double[] minLifetimeValue;
        final double[] minCartValue;
        final List<String>[] categories;
        final List<String>[] items;
        final List<String>[] segments;
        final List<String>[] excludedSegments;

        @SuppressWarnings("unchecked")
        Rules(Offer[] offers) {
            int count = offers.length;
            validFrom = new Instant[count];
            validUntil = new Instant[count];
            channels = new int[count];
            channelLists = new List[count];
            stages = new int[count];
            minLifetimeValue = new double[count];
            minCartValue = new double[count];
            categories = new List[count];
            items = new List[count];
            segments = new List[count];
            excludedSegments = new List[count];
            for (int i = 0; i < count; i++) {
                Offer offer = offers[i];
                validFrom[i] = offer.getValidFrom();
                validUntil[i] = offer.getValidUntil();
                for (String channel : offer.getChannels()) {
                    int index = CHANNELS.indexOf(channel);
                    channels[i] |= index < 0 ? 0 : 1 << index;
                }
                channelLists[i] = offer.getChannels().isEmpty() ? null : offer.getChannels();
                for (String stage : offer.getLifecycleStages()) {
                    stages[i] |= LISTED;
                    for (LifecycleStage known : LifecycleStage.values()) {
                        if (known.wireName().equals(stage)) {
                            stages[i] |= 1 << known.ordinal();
                        }
                    }
                }
                minLifetimeValue[i] = offer.getMinLifetimeValue() == null ? Double.NaN : offer.getMinLifetimeValue();
                minCartValue[i] = offer.getMinCartValue() == null ? Double.NaN : offer.getMinCartValue();
                categories[i] = offer.getCategories().isEmpty() ? null : List.copyOf(offer.getCategories());
                items[i] = List.copyOf(offer.getItemIds());
                segments[i] = offer.getSegments().isEmpty() ? null : List.copyOf(offer.getSegments());
                excludedSegments[i] = offer.getExcludeSegments().isEmpty() ? null : List.copyOf(offer.getExcludeSegments());
            }
        }

        boolean admit(int i, Asked asked) {
            Instant now = asked.now();
            if ((validFrom[i] != null && now.isBefore(validFrom[i])) || (validUntil[i] != null && !now.isBefore(validUntil[i]))) {
                return false;
            }
            if (channelLists[i] != null && (asked.channelBit() != 0
                    ? (channels[i] & asked.channelBit()) == 0 : !channelLists[i].contains(asked.channel()))) {
                return false;
            }
            CustomerMetrics metrics = asked.metrics();
            if (stages[i] != 0 && (metrics == null || (stages[i] & (1 << metrics.stage().ordinal())) == 0)) {
                return false;
            }
            if (!Double.isNaN(minLifetimeValue[i]) && (metrics == null || metrics.lifetimeValue() < minLifetimeValue[i])) {
                return false;
            }
            if (!Double.isNaN(minCartValue[i]) && (metrics == null || metrics.cartValue() < minCartValue[i])) {
                return false;
            }
            if (categories[i] != null && !targets(i, asked)) {
                return false;
            }
            if (segments[i] != null && segments[i].stream().noneMatch(asked.inSegment())) {
                return false;
            }
            if (excludedSegments[i] != null && excludedSegments[i].stream().anyMatch(asked.inSegment())) {
                return false;
            }
            return asked.anyAvailable().test(items[i]);
        }

        private boolean targets(int i, Asked asked) {
            for (String category : categories[i]) {
                if (category.equals(asked.pageCategory()) || asked.affinity().containsKey(category)) {
                    return true;
                }
            }
            return false;
        }
    }
}
