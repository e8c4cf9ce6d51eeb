package io.nudge.triggers;

import io.nudge.delivery.ContactOutcome;
import io.nudge.schemas.Contact;
import io.nudge.schemas.ContactRecord;
import io.nudge.schemas.ContactStatus;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.OutreachAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The messages decided for a customer, in their profile: newest first, at most {@code max}, each with its latest
 * state — as the job decided it (sent, suppressed, deferred), then as the dispatcher and the provider reported it
 * (failed, delivered, bounced, opened, clicked, complained, unsubscribed). A report never moves a message back
 * (an "opened" that arrives before its "delivered" stays opened). The caps count the messages that went out: a
 * message the dispatcher could not deliver does not use up the customer's allowance.
 */
public final class ContactHistory {

    private static final Map<ContactStatus, Integer> PROGRESS = new EnumMap<>(Map.ofEntries(
            Map.entry(ContactStatus.UNKNOWN, 0), Map.entry(ContactStatus.DEFERRED, 1), Map.entry(ContactStatus.SUPPRESSED, 1),
            Map.entry(ContactStatus.SENT, 2), Map.entry(ContactStatus.FAILED, 3), Map.entry(ContactStatus.DELIVERED, 3),
            Map.entry(ContactStatus.BOUNCED, 4), Map.entry(ContactStatus.OPENED, 5), Map.entry(ContactStatus.CLICKED, 6),
            Map.entry(ContactStatus.COMPLAINED, 7), Map.entry(ContactStatus.UNSUBSCRIBED, 7)));

    private ContactHistory() {}

    /** Records the job's decision on {@code action} (a released deferred message updates its record). */
    public static void recordDecision(CustomerProfile profile, OutreachAction action, int max) {
        ContactStatus status = switch (action.getStatus()) {
            case SEND -> ContactStatus.SENT;
            case SUPPRESSED -> ContactStatus.SUPPRESSED;
            case DEFERRED -> ContactStatus.DEFERRED;
            default -> ContactStatus.UNKNOWN;
        };
        Instant at = action.getDecidedAt();
        List<ContactRecord> history = new ArrayList<>(profile.getContactHistory());
        history.removeIf(record -> record.getActionId().equals(action.getActionId()));
        history.add(0, new ContactRecord(action.getActionId(), action.getRuleId(), action.getChannel(), status, action.getReason(), at, at));
        profile.setContactHistory(history.size() > max ? new ArrayList<>(history.subList(0, max)) : history);
    }

    /** Applies a report on a message; returns whether the history changed (a report on an unknown or older state does not). */
    public static boolean recordOutcome(CustomerProfile profile, ContactOutcome outcome) {
        List<ContactRecord> history = new ArrayList<>(profile.getContactHistory());
        for (int i = 0; i < history.size(); i++) {
            ContactRecord record = history.get(i);
            if (record.getActionId().equals(outcome.actionId())) {
                if (PROGRESS.get(outcome.status()) <= PROGRESS.get(record.getStatus())) {
                    return false;
                }
                history.set(i, ContactRecord.newBuilder(record).setStatus(outcome.status()).setReason(outcome.reason())
                        .setUpdatedAt(Instant.ofEpochMilli(outcome.at())).build());
                profile.setContactHistory(history);
                return true;
            }
        }
        return false; // a message no longer in the bounded history, or never decided here
    }

    /** Whether a message counts against the caps: it went out, whatever the provider said of it since. */
    static boolean wentOut(ContactStatus status) {
        return PROGRESS.get(status) >= PROGRESS.get(ContactStatus.SENT) && status != ContactStatus.FAILED;
    }

    /**
     * The contacts the caps count: the messages of the history that went out, and those an earlier release kept in
     * the trigger state (they age out of every cap's window).
     */
    static List<Contact> countedContacts(CustomerProfile profile, List<Contact> earlier) {
        List<Contact> contacts = new ArrayList<>(earlier);
        for (ContactRecord record : profile.getContactHistory()) {
            if (wentOut(record.getStatus())) {
                contacts.add(new Contact(record.getChannel(), record.getDecidedAt().toEpochMilli()));
            }
        }
        return contacts;
    }
}
