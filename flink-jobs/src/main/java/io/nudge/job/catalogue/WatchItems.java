package io.nudge.job.catalogue;

import io.nudge.catalogue.WatchedItemChange;
import io.nudge.job.profile.ProfileInput;
import io.nudge.job.serialization.SingleObjectTypeInfo;
import io.nudge.schemas.Availability;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Item;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Keyed by item id, the join of customers' interest in items with the catalogue's changes: remembers who viewed or
 * carted the item lately and at what price, and when the item becomes cheaper than a customer saw it, or comes back
 * in stock, tells that customer's profile ({@link WatchedItemChange}), where the price-drop and back-in-stock rules
 * decide. A keyed join rather than a broadcast catalogue: a change reaches only the customers who looked at the
 * item, and neither the catalogue nor the interests need to fit in every task.
 *
 * <p>The hot path, a view, costs one state write (two for a cart) and, when the event carries no price, one read;
 * interests older than {@code keep} are dropped by hourly event-time timers. Customers who ask to be forgotten come
 * on the broadcast side: their interests are removed from every item at once (a walk over the task's items, as rare
 * as such requests are), and their later views are not kept.
 */
public final class WatchItems extends KeyedBroadcastProcessFunction<String, Either<InteractionEvent, Item>, String, ProfileInput> {

    /** Customers forgotten: their views are no longer kept. */
    public static final MapStateDescriptor<String, Boolean> FORGOTTEN = new MapStateDescriptor<>("forgotten-interests", Types.STRING, Types.BOOLEAN);
    /** What the join is keyed on: the item of the view, or of the catalogue's change. */
    public static final TypeInformation<Either<InteractionEvent, Item>> INPUT = new EitherTypeInfo<>(
            new SingleObjectTypeInfo<>(InteractionEvent.class), new SingleObjectTypeInfo<>(Item.class));

    /** The item as the catalogue last described it. */
    static final ValueStateDescriptor<Item> ITEM = new ValueStateDescriptor<>("item", new SingleObjectTypeInfo<>(Item.class));
    /** Its current price alone, read on views that carry none. */
    static final ValueStateDescriptor<Double> PRICE = new ValueStateDescriptor<>("price", Types.DOUBLE);
    /** Customer id → last view or cart (event time) and the price then (NaN when unknown). */
    static final MapStateDescriptor<String, Tuple2<Long, Double>> VIEWED = new MapStateDescriptor<>("viewed", Types.STRING,
            Types.TUPLE(Types.LONG, Types.DOUBLE));
    /** Customer id → last cart (event time). */
    static final MapStateDescriptor<String, Long> CARTED = new MapStateDescriptor<>("carted", Types.STRING, Types.LONG);
    private static final long CLEANUP_GRAIN = Duration.ofHours(1).toMillis();

    private final long keepMillis;
    private transient ValueState<Item> item;
    private transient ValueState<Double> price;
    private transient MapState<String, Tuple2<Long, Double>> viewed;
    private transient MapState<String, Long> carted;

    /** @param keep how long a view or cart is remembered ({@code outreach.item.interest.within}) */
    public WatchItems(Duration keep) {
        this.keepMillis = keep.toMillis();
    }

    /** Whether an event shows a customer's interest in an item that the item's changes are told to. */
    public static boolean showsInterest(InteractionEvent event) {
        return event.getCustomerId() != null && event.getItemId() != null
                && (event.getType() == EventType.PRODUCT_VIEW || event.getType() == EventType.ADD_TO_CART);
    }

    /** The item an input is about: what the join is keyed by. */
    public static String itemOf(Either<InteractionEvent, Item> input) {
        return input.isLeft() ? input.left().getItemId() : input.right().getItemId();
    }

    @Override
    public void processElement(Either<InteractionEvent, Item> input, ReadOnlyContext ctx, Collector<ProfileInput> out) throws Exception {
        if (input.isLeft()) {
            if (!ctx.getBroadcastState(FORGOTTEN).contains(input.left().getCustomerId())) {
                interest(input.left(), ctx);
            }
        } else {
            change(input.right(), out);
        }
    }

    @Override
    public void processBroadcastElement(String forgottenCustomer, Context ctx, Collector<ProfileInput> out) throws Exception {
        ctx.getBroadcastState(FORGOTTEN).put(forgottenCustomer, true);
        ctx.applyToKeyedState(VIEWED, (item, viewers) -> viewers.remove(forgottenCustomer));
        ctx.applyToKeyedState(CARTED, (item, carts) -> carts.remove(forgottenCustomer));
    }

    @Override
    public void open(OpenContext openContext) {
        item = getRuntimeContext().getState(ITEM);
        price = getRuntimeContext().getState(PRICE);
        viewed = getRuntimeContext().getMapState(VIEWED);
        carted = getRuntimeContext().getMapState(CARTED);
    }

    private void interest(InteractionEvent event, ReadOnlyContext ctx) throws Exception {
        long at = event.getEventTime().toEpochMilli();
        Double seen = event.getPrice() != null ? event.getPrice() : price.value();
        viewed.put(event.getCustomerId(), Tuple2.of(at, seen == null ? Double.NaN : seen));
        if (event.getType() == EventType.ADD_TO_CART) {
            carted.put(event.getCustomerId(), at);
        }
        // One timer per key and hour at most (timers of equal time are one), however many views the hour brings.
        long forget = at + keepMillis;
        ctx.timerService().registerEventTimeTimer(forget - Math.floorMod(forget, CLEANUP_GRAIN) + CLEANUP_GRAIN);
    }

    private void change(Item changed, Collector<ProfileInput> out) throws Exception {
        Item previous = item.value();
        item.update(changed);
        if (changed.getPrice() == null) {
            price.clear();
        } else {
            price.update(changed.getPrice());
        }
        if (previous == null) {
            return; // the first description of the item: nothing changed for anyone
        }
        boolean backInStock = previous.getAvailability() != Availability.IN_STOCK && changed.getAvailability() == Availability.IN_STOCK;
        Double now = changed.getPrice();
        boolean cheaper = now != null && previous.getPrice() != null && now < previous.getPrice();
        if (!backInStock && !cheaper) {
            return;
        }
        long at = changed.getUpdatedAt().toEpochMilli();
        for (Map.Entry<String, Tuple2<Long, Double>> interest : viewed.entries()) {
            long viewedAt = interest.getValue().f0;
            Double seen = Double.isNaN(interest.getValue().f1) ? null : interest.getValue().f1;
            if (viewedAt > at || at - viewedAt > keepMillis || (!backInStock && (seen == null || now >= seen))) {
                continue; // not within memory, or not cheaper than this customer saw it
            }
            Long cartedAt = carted.get(interest.getKey());
            out.collect(ProfileInput.itemChange(interest.getKey(), new WatchedItemChange(changed.getItemId(), changed.getTitle(), at, seen, now,
                    backInStock, viewedAt, cartedAt == null ? WatchedItemChange.NEVER : cartedAt)));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileInput> out) throws Exception {
        long before = timestamp - keepMillis;
        for (Iterator<Map.Entry<String, Tuple2<Long, Double>>> it = viewed.iterator(); it.hasNext(); ) {
            if (it.next().getValue().f0 <= before) {
                it.remove();
            }
        }
        for (Iterator<Map.Entry<String, Long>> it = carted.iterator(); it.hasNext(); ) {
            if (it.next().getValue() <= before) {
                it.remove();
            }
        }
    }
}
