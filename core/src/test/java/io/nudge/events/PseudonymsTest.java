package io.nudge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PseudonymsTest {

    private final Pseudonyms pseudonyms = Pseudonyms.withSecret("shop-secret");

    @Test
    void anIdAlwaysGetsTheSamePseudonymWhichDependsOnTheSecret() {
        String alice = pseudonyms.of("alice");
        assertEquals(alice, Pseudonyms.withSecret("shop-secret").of("alice"), "stable across instances and restarts");
        assertTrue(alice.matches("p-[0-9a-f]{32}"), alice);
        assertNotEquals(alice, pseudonyms.of("alicf"));
        assertNotEquals(alice, Pseudonyms.withSecret("another-secret").of("alice"), "not guessable without the secret");
        assertNull(pseudonyms.of(null));
    }

    @Test
    void withoutASecretIdsStayAsSent() {
        assertSame(Pseudonyms.NONE, Pseudonyms.withSecret(""));
        assertEquals("alice", Pseudonyms.NONE.of("alice"));
    }

    @Test
    void anEventKeepsEverythingButItsIds() {
        InteractionEvent event = InteractionEvent.newBuilder().setEventId("e1").setCustomerId("alice").setAnonymousId("cookie-1")
                .setType(EventType.PRODUCT_VIEW).setItemId("lamp").setEventTime(Instant.parse("2026-11-27T00:00:00Z")).build();
        pseudonyms.apply(event);
        assertEquals(pseudonyms.of("alice"), event.getCustomerId());
        assertEquals(pseudonyms.of("cookie-1"), event.getAnonymousId());
        assertEquals("lamp", event.getItemId());
        assertEquals("e1", event.getEventId());
        assertEquals(ProfileKeys.of(event), pseudonyms.of("alice"), "the profile key follows");
    }
}
