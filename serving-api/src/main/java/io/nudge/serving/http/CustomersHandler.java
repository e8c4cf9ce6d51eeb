package io.nudge.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.nudge.events.Pseudonyms;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.OutreachAction;
import io.nudge.serving.audit.AuditTrail;
import io.nudge.serving.events.EventCollector;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.outreach.Outbox;
import io.nudge.serving.store.ProfileStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Customers for admins. {@code GET /v1/admin/customers/{id}/export} gives everything this replica holds about
 * one: the profile (Avro JSON of the {@code CustomerProfile} schema) and the outreach recorded for them.
 * {@code DELETE /v1/admin/customers/{id}} forgets one: the id (and the anonymous ids linked to it) go to the
 * compacted forgotten topic, which replays skip; a forget event goes through the events topic to the job, which
 * drops the customer's state, tombstones their profile records and sends them nothing more; this replica stops
 * serving them at once. Both are recorded in the audit trail first.
 */
final class CustomersHandler {

    private final ProfileStore profiles;
    private final Outbox outbox;
    private final EventCollector collector;
    private final AcknowledgedWriter forgottenWriter;
    private final AuditTrail audit;
    private final Pseudonyms pseudonyms;
    private final ObjectMapper json;
    private final Clock clock;

    CustomersHandler(ProfileStore profiles, Outbox outbox, EventCollector collector, AcknowledgedWriter forgottenWriter, AuditTrail audit,
                     Pseudonyms pseudonyms, ObjectMapper json, Clock clock) {
        this.pseudonyms = pseudonyms;
        this.profiles = profiles;
        this.outbox = outbox;
        this.collector = collector;
        this.forgottenWriter = forgottenWriter;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    void export(Context ctx) throws Exception {
        String customerId = Requests.id(ctx.pathParam("customerId"), "customerId");
        String key = pseudonyms.of(customerId);
        CustomerProfile profile = profiles.get(key).orElse(null);
        List<OutreachAction> actions = outbox.recent(action -> key.equals(action.getCustomerId()), Integer.MAX_VALUE);
        if (profile == null && actions.isEmpty()) {
            throw new ApiException(404, "nothing is held about customer " + customerId, List.of());
        }
        audit.record(KeyAuth.actor(ctx), AuditTrail.Action.EXPORT, key, null);
        ctx.json(new Export(customerId, clock.instant().toString(), CustomerProfile.SCHEMA$.getFullName(),
                profile == null ? null : json.readTree(avroJson(profile)), actions.stream().map(OutreachHandler.ActionView::of).toList()));
    }

    /** Everything held about a customer: the profile in Avro's JSON encoding of the schema named, and the outreach. */
    record Export(String customerId, String exportedAt, String profileSchema, JsonNode profile, List<OutreachHandler.ActionView> outreach) {}

    /** A forget request taken: the ids forgotten (the customer's and the anonymous ids linked to it). */
    record Forgotten(String customerId, List<String> forgottenIds, String status) {}

    /** The profile in Avro's JSON encoding: every field, named as in the schema the export points to. */
    private static String avroJson(CustomerProfile profile) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(CustomerProfile.SCHEMA$, out);
        new SpecificDatumWriter<>(CustomerProfile.class).write(profile, encoder);
        encoder.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    void forget(Context ctx) throws Exception {
        String customerId = Requests.id(ctx.pathParam("customerId"), "customerId");
        String key = pseudonyms.of(customerId);
        Set<String> ids = new LinkedHashSet<>();
        ids.add(key);
        profiles.get(key).map(CustomerProfile::getLinkedIds).ifPresent(ids::addAll);
        audit.record(KeyAuth.actor(ctx), AuditTrail.Action.FORGET, key, ids.size() > 1 ? "with linked ids " + String.join(",", ids) : null);
        for (String id : ids) {
            forgottenWriter.write(id, clock.instant().toString().getBytes(StandardCharsets.UTF_8));
        }
        try {
            collector.send(List.of(InteractionEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setCustomerId(key)
                    .setType(EventType.FORGET).setEventTime(clock.instant()).build()));
        } catch (EventCollector.EventsUnavailableException e) {
            throw new ApiException(503, "the forget request cannot be stored right now; retry later (" + e.getMessage() + ")", List.of());
        }
        ids.forEach(profiles::remove);
        outbox.forget(ids);
        ctx.status(202).json(new Forgotten(customerId, new ArrayList<>(ids), "forgotten"));
    }
}
