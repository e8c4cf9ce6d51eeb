package io.nudge.serving.http;

import io.javalin.http.Context;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.serving.events.EventCollector;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.outreach.Outbox;
import io.nudge.serving.store.ProfileStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Customers for admins: {@code DELETE /v1/admin/customers/{id}} forgets one. The id (and the anonymous ids
 * linked to it) go to the compacted forgotten topic, which replays skip; a forget event goes through the events
 * topic to the job, which drops the customer's state, tombstones their profile records and sends them nothing
 * more; this replica stops serving them at once.
 */
final class CustomersHandler {

    private final ProfileStore profiles;
    private final Outbox outbox;
    private final EventCollector collector;
    private final AcknowledgedWriter forgottenWriter;
    private final Clock clock;

    CustomersHandler(ProfileStore profiles, Outbox outbox, EventCollector collector, AcknowledgedWriter forgottenWriter, Clock clock) {
        this.profiles = profiles;
        this.outbox = outbox;
        this.collector = collector;
        this.forgottenWriter = forgottenWriter;
        this.clock = clock;
    }

    void forget(Context ctx) throws Exception {
        String customerId = Requests.id(ctx.pathParam("customerId"), "customerId");
        Set<String> ids = new LinkedHashSet<>();
        ids.add(customerId);
        profiles.get(customerId).map(CustomerProfile::getLinkedIds).ifPresent(ids::addAll);
        for (String id : ids) {
            forgottenWriter.write(id, clock.instant().toString().getBytes(StandardCharsets.UTF_8));
        }
        try {
            collector.send(List.of(InteractionEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setCustomerId(customerId)
                    .setType(EventType.FORGET).setEventTime(clock.instant()).build()));
        } catch (EventCollector.EventsUnavailableException e) {
            throw new ApiException(503, "the forget request cannot be stored right now; retry later (" + e.getMessage() + ")", List.of());
        }
        ids.forEach(profiles::remove);
        outbox.forget(ids);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customerId", customerId);
        body.put("forgottenIds", new ArrayList<>(ids));
        body.put("status", "forgotten");
        ctx.status(202).json(body);
    }
}
