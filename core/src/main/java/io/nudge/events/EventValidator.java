package io.nudge.events;

import io.nudge.experiments.ExperimentLedger;
import io.nudge.schemas.Channel;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides whether an event is fit to change a profile. The stream job applies {@link #validate} to every
 * record; the API also applies {@link #validateTiming} against its clock (the job must not, so that replays of
 * history stay deterministic).
 */
public final class EventValidator {

    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_TEXT_LENGTH = 512;
    public static final int MAX_ATTRIBUTES = 32;
    public static final double MAX_PRICE = 1_000_000;
    public static final int MAX_QUANTITY = 10_000;
    /** Nothing in Nudge predates this; earlier timestamps are unit mistakes (seconds sent as millis). */
    public static final Instant EARLIEST_EVENT_TIME = Instant.parse("2000-01-01T00:00:00Z");

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private EventValidator() {}

    /** Structural problems of the event; empty when it is fit to apply. */
    public static List<FieldError> validate(InteractionEvent event) {
        List<FieldError> errors = new ArrayList<>();
        requireId(errors, "eventId", event.getEventId());
        int errorsBefore = errors.size();
        boolean hasCustomer = checkId(errors, "customerId", event.getCustomerId());
        boolean hasAnonymous = checkId(errors, "anonymousId", event.getAnonymousId());
        if (!hasCustomer && !hasAnonymous && errors.size() == errorsBefore) {
            errors.add(new FieldError("customerId", "either customerId or anonymousId is required"));
        }
        checkId(errors, "sessionId", event.getSessionId());
        if (event.getType() == null || event.getType() == EventType.UNKNOWN) {
            errors.add(new FieldError("type", "unknown event type; expected one of " + EventTypes.wireNames()));
        }
        if (event.getEventTime() == null || event.getEventTime().isBefore(EARLIEST_EVENT_TIME)) {
            errors.add(new FieldError("eventTime", "must be after " + EARLIEST_EVENT_TIME + " (milliseconds since the epoch)"));
        }
        if (EventTypes.ITEM_EVENTS.contains(event.getType())) {
            requireId(errors, "itemId", event.getItemId());
        } else {
            checkId(errors, "itemId", event.getItemId());
        }
        if (EventTypes.OFFER_EVENTS.contains(event.getType())) {
            requireId(errors, "offerId", event.getOfferId());
        } else {
            checkId(errors, "offerId", event.getOfferId());
        }
        if (event.getType() == EventType.FORGET && event.getCustomerId() == null) {
            errors.add(new FieldError("customerId", "forget names the customer to forget"));
        }
        if (event.getType() == EventType.IDENTIFY && (event.getCustomerId() == null || event.getAnonymousId() == null)) {
            errors.add(new FieldError(event.getCustomerId() == null ? "customerId" : "anonymousId",
                    "identify links an anonymousId to a customerId: both are required"));
        }
        if (event.getType() == EventType.EXPERIMENT_EXPOSURE) {
            Map<String, String> attributes = event.getAttributes() == null ? Map.of() : event.getAttributes();
            for (String name : List.of(ExperimentLedger.EXPERIMENT, ExperimentLedger.VARIANT)) {
                if (attributes.get(name) == null || attributes.get(name).isBlank()) {
                    errors.add(new FieldError("attributes." + name, "an experiment exposure names its experiment and variant"));
                }
            }
            String window = attributes.get(ExperimentLedger.WINDOW_MILLIS);
            if (window == null || !window.matches("[1-9][0-9]{0,11}")) {
                errors.add(new FieldError("attributes." + ExperimentLedger.WINDOW_MILLIS, "the conversion window in milliseconds"));
            }
        }
        if (event.getType() == EventType.CONSENT_CHANGE) {
            if (event.getChannel() == null || event.getChannel() == Channel.UNKNOWN) {
                errors.add(new FieldError("channel", "consent_change needs the channel it is about"));
            }
            String granted = event.getAttributes() == null ? null : event.getAttributes().get(EventTypes.CONSENT_GRANTED);
            if (!"true".equals(granted) && !"false".equals(granted)) {
                errors.add(new FieldError("attributes." + EventTypes.CONSENT_GRANTED, "consent_change needs \"true\" or \"false\""));
            }
        }
        checkText(errors, "category", event.getCategory());
        checkText(errors, "page", event.getPage());
        Double price = event.getPrice();
        if (price != null && (price.isNaN() || price < 0 || price > MAX_PRICE)) {
            errors.add(new FieldError("price", "must be between 0 and " + (long) MAX_PRICE));
        }
        Integer quantity = event.getQuantity();
        if (quantity != null && (quantity < 1 || quantity > MAX_QUANTITY)) {
            errors.add(new FieldError("quantity", "must be between 1 and " + MAX_QUANTITY));
        }
        if (event.getCurrency() != null && !CURRENCY.matcher(event.getCurrency()).matches()) {
            errors.add(new FieldError("currency", "must be an ISO 4217 code such as EUR"));
        }
        Map<String, String> attributes = event.getAttributes();
        if (attributes != null) {
            if (attributes.size() > MAX_ATTRIBUTES) {
                errors.add(new FieldError("attributes", "at most " + MAX_ATTRIBUTES + " entries"));
            }
            attributes.forEach((key, value) -> {
                checkText(errors, "attributes." + key, key);
                checkText(errors, "attributes." + key, value);
            });
        }
        return errors;
    }

    /** Problems with the event's time as seen from {@code now}: too far in the future, or too old to be live. */
    public static List<FieldError> validateTiming(InteractionEvent event, Instant now, Duration maxClockSkew, Duration maxAge) {
        Instant time = event.getEventTime();
        if (time == null) {
            return List.of();
        }
        if (time.isAfter(now.plus(maxClockSkew))) {
            return List.of(new FieldError("eventTime", "is more than " + maxClockSkew.toSeconds() + "s in the future"));
        }
        if (time.isBefore(now.minus(maxAge))) {
            return List.of(new FieldError("eventTime", "is older than " + maxAge.toDays() + " days; send history through replay"));
        }
        return List.of();
    }

    private static void requireId(List<FieldError> errors, String field, String value) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
            return;
        }
        checkId(errors, field, value);
    }

    /** @return whether a usable id is present */
    private static boolean checkId(List<FieldError> errors, String field, String value) {
        if (value == null) {
            return false;
        }
        if (value.isBlank()) {
            errors.add(new FieldError(field, "must not be blank"));
            return false;
        }
        if (value.length() > MAX_ID_LENGTH) {
            errors.add(new FieldError(field, "longer than " + MAX_ID_LENGTH + " characters"));
            return false;
        }
        if (!isPrintable(value)) {
            errors.add(new FieldError(field, "contains control or invalid unicode characters"));
            return false;
        }
        return true;
    }

    private static void checkText(List<FieldError> errors, String field, String value) {
        if (value == null) {
            return;
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            errors.add(new FieldError(field, "longer than " + MAX_TEXT_LENGTH + " characters"));
        } else if (!isPrintable(value)) {
            errors.add(new FieldError(field, "contains control or invalid unicode characters"));
        }
    }

    private static boolean isPrintable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
