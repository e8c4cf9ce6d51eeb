package io.nudge.bench;

import io.nudge.catalogue.Catalogue;
import io.nudge.config.NudgeConfig;
import io.nudge.offers.CrossSell;
import io.nudge.offers.NextBestOffers;
import io.nudge.offers.OfferIndex;
import io.nudge.offers.RecommendationContext;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.UndecodableMessageException;
import io.nudge.traffic.ClickstreamGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmarks of the domain's hot paths, the code every event and every page view runs: one profile
 * update; the decode of a stored profile and one recommendation (offers of a 500 or 5,000 offers
 * ranked, five picked, items ranked), the two domain steps of a recommendations request.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPaths {

    /** Synthetic events of 1,000 customers, applied in turn to their evolving profiles. */
    @State(Scope.Thread)
    public static class Events {
        final ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
        final List<InteractionEvent> events = new ArrayList<>();
        final Map<String, CustomerProfile> profiles = new HashMap<>();
        int next;

        @Setup(Level.Trial)
        public void generate() {
            ClickstreamGenerator shoppers = new ClickstreamGenerator(1, 1_000, ClickstreamGenerator.Behaviour.DEFAULT.withAnonymousShare(0));
            Instant at = Instant.parse("2026-11-01T00:00:00Z");
            while (events.size() < 100_000) {
                events.addAll(shoppers.nextSession(at));
                at = at.plusSeconds(30);
            }
        }
    }

    @Benchmark
    public CustomerProfile profileUpdatePerEvent(Events state) {
        InteractionEvent event = state.events.get(state.next++ % state.events.size());
        CustomerProfile updated = state.updater.apply(state.profiles.get(event.getCustomerId()), event);
        state.profiles.put(event.getCustomerId(), updated);
        return updated;
    }

    /** 1,000 customers' profiles and 500 offers, as the serving benchmark has them, or of 5,000. */
    @State(Scope.Thread)
    public static class Shop {
        @Param({"500", "5000"})
        int offers;

        final NextBestOffers nextBestOffers = NextBestOffers.from(NudgeConfig.defaults());
        final List<CustomerProfile> profiles = new ArrayList<>();
        NextBestOffers.Market market;
        int next;

        @Setup(Level.Trial)
        public void load() {
            BenchData.Shoppers shoppers = new BenchData.Shoppers(NudgeConfig.defaults(), 1_000, 1);
            for (int customer = 0; customer < 1_000; customer++) {
                profiles.add(shoppers.profileOf(customer));
            }
            market = new NextBestOffers.Market(OfferIndex.of(BenchData.offers(offers, 1)), Catalogue.NONE, CrossSell.NONE, Map.of(), List.of(),
                    NextBestOffers.SegmentMembership.NONE);
        }
    }

    /** 1,000 customers' profiles as the serving store keeps them: encoded. */
    @State(Scope.Thread)
    public static class Stored {
        final List<byte[]> encoded = new ArrayList<>();
        int next;

        @Setup(Level.Trial)
        public void load() {
            BenchData.Shoppers shoppers = new BenchData.Shoppers(NudgeConfig.defaults(), 1_000, 1);
            for (int customer = 0; customer < 1_000; customer++) {
                encoded.add(Codecs.PROFILES.encode(shoppers.profileOf(customer)));
            }
        }
    }

    /** What the serving store does on every request before scoring: decode the customer's stored record. */
    @Benchmark
    public CustomerProfile profileDecodePerRequest(Stored state) throws UndecodableMessageException {
        return Codecs.PROFILES.decode(state.encoded.get(state.next++ % state.encoded.size()));
    }

    @Benchmark
    public NextBestOffers.Result recommendationPerPageView(Shop state) {
        CustomerProfile profile = state.profiles.get(state.next++ % state.profiles.size());
        return state.nextBestOffers.recommend(profile.getProfileKey(), profile,
                new RecommendationContext("product", "garden", "garden-001", List.of()), "web", profile.getLastSeen(), 5, false, state.market);
    }
}
