package io.nudge.serving.http;

import io.javalin.http.Context;
import io.nudge.events.EventValidator;

/** Checks of path and query parameters shared by the handlers; each failure names the parameter. */
final class Requests {
    private Requests() {}

    static String id(String value, String name) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(name, "is required");
        }
        if (value.length() > EventValidator.MAX_ID_LENGTH) {
            throw ApiException.badRequest(name, "longer than " + EventValidator.MAX_ID_LENGTH + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(name, "contains control characters");
        }
        return value;
    }

    static int intParam(Context ctx, String name, int defaultValue, int min, int max) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest(name, "must be a whole number from " + min + " to " + max);
    }
}
