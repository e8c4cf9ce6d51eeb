package io.nudge.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.config.NudgeConfig;
import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.Channel;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.triggers.DeliveryPolicy;
import io.nudge.triggers.RuleJson;
import io.nudge.triggers.Triggers;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestTest {

    @TempDir
    Path dir;

    private final List<InteractionEvent> events = new ArrayList<>();

    private void add(String customer, EventType type, String at) {
        InteractionEvent.Builder event = InteractionEvent.newBuilder().setEventId(customer + type + at).setCustomerId(customer)
                .setType(type).setEventTime(Instant.parse(at)).setItemId(type == EventType.PAGE_VIEW ? null : "lamp").setQuantity(1);
        if (type == EventType.CONSENT_CHANGE) {
            event.setItemId(null).setChannel(Channel.EMAIL).setAttributes(Map.of("granted", "true"));
        }
        events.add(event.build());
    }

    @Test
    void countsPerDayWhoWouldHaveBeenContactedAfterConsentCapsAndQuietHours() throws Exception {
        add("ann", EventType.CONSENT_CHANGE, "2026-11-01T09:00:00Z");
        add("dan", EventType.CONSENT_CHANGE, "2026-11-01T09:00:00Z");
        add("bob", EventType.CONSENT_CHANGE, "2026-11-01T09:00:00Z");
        add("ann", EventType.ADD_TO_CART, "2026-11-01T10:00:00Z");   // abandoned: sent 10:30
        add("bob", EventType.ADD_TO_CART, "2026-11-01T10:00:00Z");
        add("bob", EventType.PURCHASE, "2026-11-01T10:10:00Z");      // bought: nothing
        add("cid", EventType.ADD_TO_CART, "2026-11-01T10:00:00Z");   // no consent: suppressed
        add("ann", EventType.ADD_TO_CART, "2026-11-01T12:00:00Z");   // abandoned again: over the email cap
        add("dan", EventType.ADD_TO_CART, "2026-11-01T22:00:00Z");   // at night: deferred to 08:00, then sent
        add("ann", EventType.ADD_TO_CART, "2026-11-02T11:00:00Z");   // a day later: sent 11:30
        add("eve", EventType.PAGE_VIEW, "2026-11-02T12:00:00Z");     // history goes on past the last deadline
        events.add(InteractionEvent.newBuilder().setEventId("broken").setCustomerId("x").setType(EventType.ADD_TO_CART)
                .setEventTime(Instant.parse("2026-11-01T10:00:00Z")).build()); // no itemId: invalid
        Path archive = dir.resolve("events.avro");
        try (DataFileWriter<InteractionEvent> writer = new DataFileWriter<>(new SpecificDatumWriter<>(InteractionEvent.class))) {
            writer.create(InteractionEvent.SCHEMA$, archive.toFile());
            for (InteractionEvent event : events) {
                writer.append(event);
            }
        }

        History.Read history = History.fromAvroFiles(List.of(archive), n -> { });
        assertEquals(1, history.rejected());
        NudgeConfig config = NudgeConfig.defaults();
        Backtest.Result result = new Backtest(new ProfileUpdater(ProfileSettings.from(config)),
                new Triggers(DeliveryPolicy.from(config), CustomerMetrics.Thresholds.from(config)))
                .run(RuleJson.parse("""
                        {"name": "Cart abandoned", "when": {"kind": "absence", "first": {"type": "add_to_cart"},
                         "absent": {"type": "purchase"}, "within": "30m"}, "then": {"channel": "email", "templateId": "cart"}}
                        """, "cart", 1, true).rule(), history.events());

        Backtest.Day first = result.days().get(LocalDate.parse("2026-11-01"));
        assertEquals(1, first.customersContacted());
        assertEquals(2, first.suppressed());
        assertEquals(1, first.deferred());
        Backtest.Day second = result.days().get(LocalDate.parse("2026-11-02"));
        assertEquals(2, second.customersContacted(), "dan in the morning, ann again after a day");
        assertEquals(Map.of("frequency cap: at most 1 email per 24h", 1L, "no consent for email", 1L), result.suppressionReasons());
    }
}
