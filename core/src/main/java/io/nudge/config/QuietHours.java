package io.nudge.config;

import java.io.Serializable;
import java.time.LocalTime;
import java.util.regex.Pattern;

/** Hours of the day when no message may go out, as local times; {@code start} after {@code end} wraps midnight. */
public record QuietHours(LocalTime start, LocalTime end) implements Serializable {

    /** No quiet hours: the empty setting. */
    public static final QuietHours NONE = new QuietHours(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);

    private static final Pattern FORM = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d-([01]\\d|2[0-3]):[0-5]\\d");

    /** @param text {@code HH:mm-HH:mm} ({@code 21:00-08:00}), or empty for {@link #NONE} */
    public static QuietHours parse(String text) {
        if (text.isBlank()) {
            return NONE;
        }
        if (!FORM.matcher(text.strip()).matches()) {
            throw new IllegalArgumentException("write quiet hours as HH:mm-HH:mm, e.g. 21:00-08:00, or leave empty");
        }
        String[] parts = text.strip().split("-");
        return new QuietHours(LocalTime.parse(parts[0]), LocalTime.parse(parts[1]));
    }

    /** Whether {@code time} falls in the quiet hours; never for {@link #NONE} (or any empty span). */
    public boolean contains(LocalTime time) {
        if (start.equals(end)) {
            return false;
        }
        return start.isBefore(end) ? !time.isBefore(start) && time.isBefore(end) : !time.isBefore(start) || time.isBefore(end);
    }
}
