package io.nudge.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Offer;
import io.nudge.schemas.OfferStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Ranking over the index gives exactly what scoring every offer of the catalogue and picking greedily gives: the same
 * offers in the same order with the same scores, on many random catalogues, profiles, pages, channels and markets.
 */
class OfferIndexEquivalenceTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final CustomerMetrics.Thresholds THRESHOLDS = CustomerMetrics.Thresholds.from(NudgeConfig.defaults());
    private static final List<String> CATEGORIES = List.of("garden", "kitchen", "toys", "books", "shoes", "tools");
    private static final List<String> CHANNELS = List.of("web", "email", "sms", "push", "kiosk");
    private static final List<String> STAGES = List.of("new", "active", "vip", "at_risk", "lapsed");
    private static final List<String> SEGMENTS = List.of("vip-club", "garden-lovers");
    private static final EventType[] BEHAVIOUR = {EventType.PRODUCT_VIEW, EventType.PRODUCT_VIEW, EventType.PAGE_VIEW, EventType.ADD_TO_CART,
            EventType.PURCHASE, EventType.OFFER_IMPRESSION, EventType.OFFER_CLICK, EventType.OFFER_DISMISS, EventType.REMOVE_FROM_CART};

    private final ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
    private final OfferScorer scorer = new OfferScorer();

    @Test
    void rankingOverTheIndexIsTheFullScansRanking() {
        SplittableRandom random = new SplittableRandom(20261129);
        int picked = 0;
        for (int catalogueRound = 0; catalogueRound < 60; catalogueRound++) {
            List<Offer> offers = catalogue(random, 1 + random.nextInt(catalogueRound % 3 == 0 ? 400 : 40));
            OfferIndex index = OfferIndex.of(offers);
            for (int request = 0; request < 50; request++) {
                CustomerProfile profile = random.nextInt(6) == 0 ? null : profile(random, offers);
                CrossSell crossSell = crossSell(random);
                Map<String, Double> trending = new HashMap<>();
                for (String category : CATEGORIES) {
                    if (random.nextBoolean()) {
                        trending.put(category, random.nextDouble());
                    }
                }
                OfferScorer.Request asked = new OfferScorer.Request(profile,
                        profile == null ? null : CustomerMetrics.of(profile, NOW, THRESHOLDS), context(random),
                        CHANNELS.get(random.nextInt(CHANNELS.size())), NOW, 1 + random.nextInt(10), random.nextInt(5) != 0, false,
                        Set.copyOf(SEGMENTS.subList(0, random.nextInt(SEGMENTS.size() + 1)))::contains);

                List<ScoredOffer> expected = fullScan(asked, offers, crossSell, trending);
                List<ScoredOffer> actual = scorer.rank(asked, index, items -> true, crossSell, trending);

                assertEquals(ids(expected), ids(actual), "catalogue " + catalogueRound + ", request " + request);
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(expected.get(i).score(), actual.get(i).score(), 0.0, "the very same score");
                }
                picked += actual.size();
            }
        }
        assertTrue(picked > 3_000, "the requests picked offers: " + picked);
    }

    /** Every offer scored, then the greedy picks under the diversity penalty, as ranking was first written. */
    private static List<ScoredOffer> fullScan(OfferScorer.Request request, List<Offer> offers, CrossSell crossSell,
                                              Map<String, Double> trending) {
        OfferScorer.Signals signals = request.personalised() && request.profile() != null
                ? OfferScorer.Signals.of(request.profile(), crossSell) : OfferScorer.Signals.NONE;
        List<ScoredOffer> remaining = new ArrayList<>();
        for (Offer offer : offers) {
            CustomerProfile personal = request.personalised() ? request.profile() : null;
            if (isEligible(offer, request, signals) && (personal == null
                    || !OfferScorer.isExcluded(offer, personal.getOfferHistory().get(offer.getOfferId()), boughtAnyOf(personal, offer)))) {
                remaining.add(new ScoredOffer(offer, OfferScorer.score(offer, request, signals, trending), Map.of()));
            }
        }
        Map<String, Integer> chosenPerCategory = new HashMap<>();
        List<ScoredOffer> chosen = new ArrayList<>();
        while (chosen.size() < request.limit() && !remaining.isEmpty()) {
            ScoredOffer best = null;
            for (ScoredOffer candidate : remaining) {
                String category = candidate.offer().getCategory();
                double diversity = Math.pow(OfferScorer.DIVERSITY, category == null ? 0 : chosenPerCategory.getOrDefault(category, 0));
                ScoredOffer adjusted = new ScoredOffer(candidate.offer(), candidate.score() * diversity, Map.of());
                if (best == null || adjusted.score() > best.score()
                        || adjusted.score() == best.score() && (adjusted.offer().getPriority() > best.offer().getPriority()
                        || adjusted.offer().getPriority() == best.offer().getPriority()
                        && adjusted.offer().getOfferId().compareTo(best.offer().getOfferId()) < 0)) {
                    best = adjusted;
                }
            }
            ScoredOffer pick = best;
            remaining.removeIf(candidate -> candidate.offer() == pick.offer());
            chosen.add(pick);
            if (pick.offer().getCategory() != null) {
                chosenPerCategory.merge(pick.offer().getCategory(), 1, Integer::sum);
            }
        }
        return chosen;
    }

    /** Eligibility as first written, offer record by offer record. */
    private static boolean isEligible(Offer offer, OfferScorer.Request request, OfferScorer.Signals signals) {
        Instant now = request.now();
        if (offer.getStatus() != OfferStatus.ACTIVE
                || (offer.getValidFrom() != null && now.isBefore(offer.getValidFrom()))
                || (offer.getValidUntil() != null && !now.isBefore(offer.getValidUntil()))
                || (offer.getBudget() != null && offer.getBudget() <= 0)
                || (!offer.getChannels().isEmpty() && !offer.getChannels().contains(request.channel()))) {
            return false;
        }
        CustomerMetrics metrics = request.metrics();
        if (!offer.getLifecycleStages().isEmpty()
                && (metrics == null || !offer.getLifecycleStages().contains(metrics.stage().wireName()))) {
            return false;
        }
        if (offer.getMinLifetimeValue() != null && (metrics == null || metrics.lifetimeValue() < offer.getMinLifetimeValue())) {
            return false;
        }
        if (offer.getMinCartValue() != null && (metrics == null || metrics.cartValue() < offer.getMinCartValue())) {
            return false;
        }
        // An unpersonalised request knows no segments.
        java.util.function.Predicate<String> inSegment = request.personalised() ? request.inSegment() : segmentId -> false;
        if (!offer.getSegments().isEmpty() && offer.getSegments().stream().noneMatch(inSegment)) {
            return false;
        }
        if (offer.getExcludeSegments().stream().anyMatch(inSegment)) {
            return false;
        }
        if (!offer.getCategories().isEmpty()) {
            String page = request.context().category();
            return offer.getCategories().stream().anyMatch(c -> c.equals(page) || signals.affinity().containsKey(c));
        }
        return true;
    }

    private static boolean boughtAnyOf(CustomerProfile profile, Offer offer) {
        return profile.getRecentOrders().stream().anyMatch(order -> order.getItemIds().stream().anyMatch(offer.getItemIds()::contains));
    }

    private static List<String> ids(List<ScoredOffer> offers) {
        return offers.stream().map(scored -> scored.offer().getOfferId()).toList();
    }

    private static String item(SplittableRandom random) {
        return "item-" + random.nextInt(60);
    }

    /** Offers of every shape: ties in value, every eligibility rule, categories or none, some retired or spent. */
    private static List<Offer> catalogue(SplittableRandom random, int size) {
        List<Offer> offers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Offer.Builder offer = Offer.newBuilder().setOfferId(String.format("offer-%04d", i)).setTitle("offer " + i)
                    .setCategory(random.nextInt(8) == 0 ? null : CATEGORIES.get(random.nextInt(CATEGORIES.size())))
                    .setBusinessValue(random.nextInt(3) == 0 ? 1.0 : 0.2 + random.nextInt(20) / 10.0)
                    .setPriority(random.nextInt(4) == 0 ? random.nextInt(3) : 0);
            List<String> items = new ArrayList<>();
            for (int n = random.nextInt(4); n > 0; n--) {
                items.add(item(random));
            }
            offer.setItemIds(items);
            switch (random.nextInt(16)) {
                case 0 -> offer.setStatus(OfferStatus.EXPIRED);
                case 1 -> offer.setBudget((long) random.nextInt(3));
                case 2 -> offer.setChannels(List.of(CHANNELS.get(random.nextInt(CHANNELS.size()))));
                case 3 -> offer.setLifecycleStages(List.of(STAGES.get(random.nextInt(STAGES.size()))));
                case 4 -> offer.setMinLifetimeValue(random.nextInt(200) * 1.0);
                case 5 -> offer.setMinCartValue(random.nextInt(100) * 1.0);
                case 6 -> offer.setCategories(List.of(CATEGORIES.get(random.nextInt(CATEGORIES.size()))));
                case 7 -> offer.setExcludeIfBought(true);
                case 8 -> offer.setValidUntil(NOW.minusSeconds(random.nextInt(2) * 3600));
                case 9 -> offer.setValidFrom(NOW.plusSeconds(random.nextInt(2) * 3600 - 1800));
                case 10 -> offer.setMaxDismissals(1).setMaxImpressionsWithoutClick(2 + random.nextInt(4));
                case 11 -> offer.setSegments(List.of(SEGMENTS.get(random.nextInt(SEGMENTS.size()))));
                case 12 -> offer.setExcludeSegments(List.of(SEGMENTS.get(random.nextInt(SEGMENTS.size()))));
                default -> { }
            }
            offers.add(offer.build());
        }
        return offers;
    }

    /** A customer after a few dozen random events: views, carts, purchases and answers to offers. */
    private CustomerProfile profile(SplittableRandom random, List<Offer> offers) {
        CustomerProfile profile = null;
        Instant at = NOW.minus(Duration.ofDays(random.nextInt(200)));
        for (int n = random.nextInt(40); n >= 0; n--) {
            EventType type = BEHAVIOUR[random.nextInt(BEHAVIOUR.length)];
            InteractionEvent.Builder event = InteractionEvent.newBuilder().setEventId("e" + n).setCustomerId("c").setType(type)
                    .setEventTime(at).setItemId(item(random)).setCategory(CATEGORIES.get(random.nextInt(CATEGORIES.size())));
            if (type == EventType.ADD_TO_CART || type == EventType.PURCHASE) {
                event.setPrice(1.0 + random.nextInt(120)).setQuantity(1 + random.nextInt(2)).setAttributes(Map.of("orderId", "o" + (n / 3)));
            }
            if (type.name().startsWith("OFFER_")) {
                event.setOfferId(offers.get(random.nextInt(offers.size())).getOfferId());
            }
            profile = updater.apply(profile, event.build());
            at = at.plusSeconds(random.nextInt(3) == 0 ? 86_400L * random.nextInt(20) : random.nextInt(600));
        }
        return profile;
    }

    private static RecommendationContext context(SplittableRandom random) {
        List<String> cart = new ArrayList<>();
        for (int n = random.nextInt(3) == 0 ? random.nextInt(4) : 0; n > 0; n--) {
            cart.add(item(random));
        }
        return new RecommendationContext(random.nextBoolean() ? "product" : null,
                random.nextBoolean() ? CATEGORIES.get(random.nextInt(CATEGORIES.size())) : null,
                random.nextBoolean() ? item(random) : null, cart);
    }

    private static CrossSell crossSell(SplittableRandom random) {
        Map<String, Map<String, Double>> neighbours = new HashMap<>();
        for (int n = random.nextInt(30); n > 0; n--) {
            neighbours.computeIfAbsent(item(random), k -> new HashMap<>()).put(item(random), 0.1 + random.nextInt(10));
        }
        return item -> neighbours.getOrDefault(item, Map.of());
    }
}
