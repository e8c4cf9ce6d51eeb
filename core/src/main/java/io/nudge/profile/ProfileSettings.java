package io.nudge.profile;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.EventType;
import java.io.Serializable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How a profile is kept: the caps that keep it bounded whatever the number of events, how much each kind of
 * interaction says about a customer's interest, and how long an event id is remembered so that an event sent again
 * is applied once ({@code duplicateWindow}, at most {@code duplicateIdsMax} ids per profile).
 */
public record ProfileSettings(
        int recentlyViewedMax,
        int cartMaxLines,
        int categoriesMax,
        int itemsMax,
        int ordersMax,
        int offersMax,
        int sessionItemsMax,
        Duration affinityHalfLife,
        Duration itemHalfLife,
        Duration sessionGap,
        Map<EventType, Double> affinityWeights,
        Duration duplicateWindow,
        int duplicateIdsMax) implements Serializable {

    /** A purchase says more about interest than a cart, a cart more than a view. */
    public static final Map<EventType, Double> DEFAULT_AFFINITY_WEIGHTS = Map.of(
            EventType.SEARCH, 0.5,
            EventType.PRODUCT_VIEW, 1.0,
            EventType.OFFER_CLICK, 1.5,
            EventType.ADD_TO_CART, 3.0,
            EventType.PURCHASE, 5.0);

    public static final int DEFAULT_CATEGORIES_MAX = 50;
    public static final int DEFAULT_SESSION_ITEMS_MAX = 20;

    public ProfileSettings {
        affinityWeights = new EnumMap<>(affinityWeights);
    }

    public static ProfileSettings from(NudgeConfig config) {
        return new ProfileSettings(
                config.get(NudgeConfig.PROFILE_RECENTLY_VIEWED_MAX),
                config.get(NudgeConfig.PROFILE_CART_MAX_LINES),
                DEFAULT_CATEGORIES_MAX,
                config.get(NudgeConfig.PROFILE_ITEMS_MAX),
                config.get(NudgeConfig.PROFILE_ORDERS_MAX),
                config.get(NudgeConfig.PROFILE_OFFERS_MAX),
                DEFAULT_SESSION_ITEMS_MAX,
                config.get(NudgeConfig.PROFILE_AFFINITY_HALF_LIFE),
                config.get(NudgeConfig.PROFILE_ITEM_HALF_LIFE),
                config.get(NudgeConfig.PROFILE_SESSION_GAP),
                DEFAULT_AFFINITY_WEIGHTS,
                config.get(NudgeConfig.EVENTS_DEDUP_WINDOW),
                config.get(NudgeConfig.EVENTS_DEDUP_IDS_MAX));
    }

    public static ProfileSettings defaults() {
        return from(NudgeConfig.defaults());
    }

    double affinityWeight(EventType type) {
        return affinityWeights.getOrDefault(type, 0.0);
    }
}
