package io.nudge.schemas;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;

/**
 * Avro binary of the current {@link CustomerProfile} schema, field by field, without the generic writer's and
 * reader's per-field lookups (union resolution, logical-type conversions, reflection on field positions). The
 * generated class has no fast coders of its own because the schema uses logical types. The bytes are exactly
 * what Avro writes (a randomized test compares them), so the wire format and its fingerprint do not change;
 * profiles written with any other schema version still go through Avro's resolving reader.
 *
 * <p>Written for one schema: {@link #SCHEMA_FINGERPRINT}. When the schema changes, the codec stops using this
 * class (and a test says so) until it is brought up to date.
 */
final class CustomerProfileCoder implements SingleObjectCodec.DatumCoder<CustomerProfile> {

    /** The parsing fingerprint of the schema this class reads and writes. */
    static final long SCHEMA_FINGERPRINT = 0x6d35bf6a9a64c35eL;

    private static final Channel[] CHANNELS = Channel.values();
    private static final ContactStatus[] STATUSES = ContactStatus.values();

    @Override
    public long schemaFingerprint() {
        return SCHEMA_FINGERPRINT;
    }

    @Override
    public void write(CustomerProfile p, Encoder out) throws IOException {
        out.writeString(p.getProfileKey());
        out.writeLong(p.getSequence());
        out.writeLong(p.getFirstSeen().toEpochMilli());
        out.writeLong(p.getLastSeen().toEpochMilli());
        Map<String, Long> counts = p.getEventCounts();
        out.writeMapStart();
        out.setItemCount(counts.size());
        for (Map.Entry<String, Long> entry : counts.entrySet()) {
            out.startItem();
            out.writeString(entry.getKey());
            out.writeLong(entry.getValue());
        }
        out.writeMapEnd();
        List<ViewedItem> viewed = p.getRecentlyViewed();
        out.writeArrayStart();
        out.setItemCount(viewed.size());
        for (ViewedItem item : viewed) {
            out.startItem();
            out.writeString(item.getItemId());
            OptionalStrings.write(item.getCategory(), out);
            out.writeLong(item.getViewedAt().toEpochMilli());
        }
        out.writeArrayEnd();
        writeWeights(p.getCategoryAffinity(), out);
        out.writeLong(p.getAffinityAsOf().toEpochMilli());
        List<CartLine> cart = p.getCart();
        out.writeArrayStart();
        out.setItemCount(cart.size());
        for (CartLine line : cart) {
            out.startItem();
            out.writeString(line.getItemId());
            OptionalStrings.write(line.getCategory(), out);
            out.writeInt(line.getQuantity());
            if (line.getUnitPrice() == null) {
                out.writeIndex(0);
            } else {
                out.writeIndex(1);
                out.writeDouble(line.getUnitPrice());
            }
            out.writeLong(line.getAddedAt().toEpochMilli());
        }
        out.writeArrayEnd();
        Purchase purchase = p.getLastPurchase();
        if (purchase == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeLong(purchase.getPurchasedAt().toEpochMilli());
            OptionalStrings.write(purchase.getOrderId(), out);
            OptionalStrings.write(purchase.getItemId(), out);
            out.writeDouble(purchase.getValue());
            OptionalStrings.write(purchase.getCurrency(), out);
        }
        out.writeLong(p.getPurchaseCount());
        out.writeDouble(p.getTotalSpend());
        writeWeights(p.getItemAffinity(), out);
        List<Order> orders = p.getRecentOrders();
        out.writeArrayStart();
        out.setItemCount(orders.size());
        for (Order order : orders) {
            out.startItem();
            OptionalStrings.write(order.getOrderId(), out);
            out.writeLong(order.getPlacedAt().toEpochMilli());
            out.writeDouble(order.getValue());
            writeStrings(order.getItemIds(), out);
        }
        out.writeArrayEnd();
        Session session = p.getSession();
        if (session == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            OptionalStrings.write(session.getSessionId(), out);
            out.writeLong(session.getStartedAt().toEpochMilli());
            out.writeLong(session.getLastEventAt().toEpochMilli());
            out.writeInt(session.getEvents());
            out.writeInt(session.getPageViews());
            Map<String, Integer> categoryViews = session.getCategoryViews();
            out.writeMapStart();
            out.setItemCount(categoryViews.size());
            for (Map.Entry<String, Integer> entry : categoryViews.entrySet()) {
                out.startItem();
                out.writeString(entry.getKey());
                out.writeInt(entry.getValue());
            }
            out.writeMapEnd();
            writeStrings(session.getViewedItems(), out);
        }
        Map<String, OfferStats> offers = p.getOfferHistory();
        out.writeMapStart();
        out.setItemCount(offers.size());
        for (Map.Entry<String, OfferStats> entry : offers.entrySet()) {
            out.startItem();
            out.writeString(entry.getKey());
            OfferStats stats = entry.getValue();
            out.writeInt(stats.getImpressions());
            out.writeInt(stats.getClicks());
            out.writeInt(stats.getDismissals());
            out.writeInt(stats.getConversions());
            if (stats.getLastImpressionAt() == null) {
                out.writeIndex(0);
            } else {
                out.writeIndex(1);
                out.writeLong(stats.getLastImpressionAt().toEpochMilli());
            }
        }
        out.writeMapEnd();
        Map<String, Boolean> consent = p.getConsent();
        out.writeMapStart();
        out.setItemCount(consent.size());
        for (Map.Entry<String, Boolean> entry : consent.entrySet()) {
            out.startItem();
            out.writeString(entry.getKey());
            out.writeBoolean(entry.getValue());
        }
        out.writeMapEnd();
        OptionalStrings.write(p.getTimeZone(), out);
        writeStrings(p.getLinkedIds(), out);
        OptionalStrings.write(p.getMergedInto(), out);
        List<ContactRecord> contacts = p.getContactHistory();
        out.writeArrayStart();
        out.setItemCount(contacts.size());
        for (ContactRecord contact : contacts) {
            out.startItem();
            out.writeString(contact.getActionId());
            out.writeString(contact.getRuleId());
            out.writeEnum(contact.getChannel().ordinal());
            out.writeEnum(contact.getStatus().ordinal());
            OptionalStrings.write(contact.getReason(), out);
            out.writeLong(contact.getDecidedAt().toEpochMilli());
            out.writeLong(contact.getUpdatedAt().toEpochMilli());
        }
        out.writeArrayEnd();
        List<ExperimentAssignment> experiments = p.getExperiments();
        out.writeArrayStart();
        out.setItemCount(experiments.size());
        for (ExperimentAssignment assignment : experiments) {
            out.startItem();
            out.writeString(assignment.getExperimentId());
            out.writeString(assignment.getVariant());
            out.writeLong(assignment.getExposedAt().toEpochMilli());
            out.writeLong(assignment.getConvertUntil().toEpochMilli());
            out.writeBoolean(assignment.getConverted());
            out.writeDouble(assignment.getRevenue());
        }
        out.writeArrayEnd();
        if (p.getIdentified() == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeBoolean(p.getIdentified());
        }
    }

    @Override
    public CustomerProfile read(Decoder in) throws IOException {
        CustomerProfile p = new CustomerProfile();
        p.setProfileKey(in.readString());
        p.setSequence(in.readLong());
        p.setFirstSeen(Instant.ofEpochMilli(in.readLong()));
        p.setLastSeen(Instant.ofEpochMilli(in.readLong()));
        Map<String, Long> counts = new HashMap<>();
        for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
            for (long i = 0; i < n; i++) {
                counts.put(in.readString(), in.readLong());
            }
        }
        p.setEventCounts(counts);
        List<ViewedItem> viewed = new ArrayList<>();
        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                viewed.add(new ViewedItem(in.readString(), OptionalStrings.read(in), Instant.ofEpochMilli(in.readLong())));
            }
        }
        p.setRecentlyViewed(viewed);
        p.setCategoryAffinity(readWeights(in));
        p.setAffinityAsOf(Instant.ofEpochMilli(in.readLong()));
        List<CartLine> cart = new ArrayList<>();
        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                String itemId = in.readString();
                String category = OptionalStrings.read(in);
                int quantity = in.readInt();
                Double unitPrice = in.readIndex() == 0 ? readNull(in) : Double.valueOf(in.readDouble());
                cart.add(new CartLine(itemId, category, quantity, unitPrice, Instant.ofEpochMilli(in.readLong())));
            }
        }
        p.setCart(cart);
        if (in.readIndex() == 1) {
            Instant at = Instant.ofEpochMilli(in.readLong());
            String orderId = OptionalStrings.read(in);
            String itemId = OptionalStrings.read(in);
            double value = in.readDouble();
            p.setLastPurchase(new Purchase(at, orderId, itemId, value, OptionalStrings.read(in)));
        } else {
            in.readNull();
        }
        p.setPurchaseCount(in.readLong());
        p.setTotalSpend(in.readDouble());
        p.setItemAffinity(readWeights(in));
        List<Order> orders = new ArrayList<>();
        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                String orderId = OptionalStrings.read(in);
                Instant placedAt = Instant.ofEpochMilli(in.readLong());
                double value = in.readDouble();
                orders.add(new Order(orderId, placedAt, value, readStrings(in)));
            }
        }
        p.setRecentOrders(orders);
        if (in.readIndex() == 1) {
            String sessionId = OptionalStrings.read(in);
            Instant startedAt = Instant.ofEpochMilli(in.readLong());
            Instant lastEventAt = Instant.ofEpochMilli(in.readLong());
            int events = in.readInt();
            int pageViews = in.readInt();
            Map<String, Integer> categoryViews = new HashMap<>();
            for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
                for (long i = 0; i < n; i++) {
                    categoryViews.put(in.readString(), in.readInt());
                }
            }
            p.setSession(new Session(sessionId, startedAt, lastEventAt, events, pageViews, categoryViews, readStrings(in)));
        } else {
            in.readNull();
        }
        Map<String, OfferStats> offers = new HashMap<>();
        for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
            for (long i = 0; i < n; i++) {
                String offerId = in.readString();
                int impressions = in.readInt();
                int clicks = in.readInt();
                int dismissals = in.readInt();
                int conversions = in.readInt();
                Instant last = in.readIndex() == 1 ? Instant.ofEpochMilli(in.readLong()) : readNull(in);
                offers.put(offerId, new OfferStats(impressions, clicks, dismissals, conversions, last));
            }
        }
        p.setOfferHistory(offers);
        Map<String, Boolean> consent = new HashMap<>();
        for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
            for (long i = 0; i < n; i++) {
                consent.put(in.readString(), in.readBoolean());
            }
        }
        p.setConsent(consent);
        p.setTimeZone(OptionalStrings.read(in));
        p.setLinkedIds(readStrings(in));
        p.setMergedInto(OptionalStrings.read(in));
        List<ContactRecord> contacts = new ArrayList<>();
        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                String actionId = in.readString();
                String ruleId = in.readString();
                Channel channel = CHANNELS[in.readEnum()];
                ContactStatus status = STATUSES[in.readEnum()];
                String reason = OptionalStrings.read(in);
                contacts.add(new ContactRecord(actionId, ruleId, channel, status, reason, Instant.ofEpochMilli(in.readLong()),
                        Instant.ofEpochMilli(in.readLong())));
            }
        }
        p.setContactHistory(contacts);
        List<ExperimentAssignment> experiments = new ArrayList<>();
        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                String experimentId = in.readString();
                String variant = in.readString();
                Instant exposedAt = Instant.ofEpochMilli(in.readLong());
                Instant convertUntil = Instant.ofEpochMilli(in.readLong());
                experiments.add(new ExperimentAssignment(experimentId, variant, exposedAt, convertUntil, in.readBoolean(), in.readDouble()));
            }
        }
        p.setExperiments(experiments);
        p.setIdentified(in.readIndex() == 1 ? Boolean.valueOf(in.readBoolean()) : readNull(in));
        return p;
    }

    private static void writeStrings(List<String> values, Encoder out) throws IOException {
        out.writeArrayStart();
        out.setItemCount(values.size());
        for (String value : values) {
            out.startItem();
            out.writeString(value);
        }
        out.writeArrayEnd();
    }

    private static void writeWeights(Map<String, Double> weights, Encoder out) throws IOException {
        out.writeMapStart();
        out.setItemCount(weights.size());
        for (Map.Entry<String, Double> entry : weights.entrySet()) {
            out.startItem();
            out.writeString(entry.getKey());
            out.writeDouble(entry.getValue());
        }
        out.writeMapEnd();
    }

    private static <T> T readNull(Decoder in) throws IOException {
        in.readNull();
        return null;
    }

    private static List<String> readStrings(Decoder in) throws IOException {
        List<String> values = new ArrayList<>();
        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                values.add(in.readString());
            }
        }
        return values;
    }

    private static Map<String, Double> readWeights(Decoder in) throws IOException {
        Map<String, Double> weights = new HashMap<>();
        for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
            for (long i = 0; i < n; i++) {
                weights.put(in.readString(), in.readDouble());
            }
        }
        return weights;
    }
}
