package io.nudge.serving.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.nudge.events.EventValidator;
import java.util.List;

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

    /** The request body as JSON; a blank or malformed body is a 400 naming the parse problem. */
    static JsonNode jsonBody(Context ctx, ObjectMapper json) {
        String body = ctx.body();
        if (body.isBlank()) {
            throw ApiException.badRequest("(body)", "a JSON body is required");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("(body)", "malformed JSON: " + e.getOriginalMessage());
        }
    }

    /** The document without its id field: the id lives in the path or beside the document, not in it. */
    static JsonNode withoutField(JsonNode body, String field) {
        if (body instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = object.deepCopy();
            copy.remove(field);
            return copy;
        }
        return body;
    }

    static boolean boolParam(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.equals("false")) {
            return false;
        }
        if (text.equals("true") || text.isEmpty()) {
            return true;
        }
        throw ApiException.badRequest(name, "must be true or false");
    }

    /** An optional query parameter holding one id (same rules as path ids). */
    static String optionalId(Context ctx, String name) {
        String text = ctx.queryParam(name);
        return text == null || text.isEmpty() ? null : id(text, name);
    }

    /** An optional comma-separated list of ids, at most {@code max}. */
    static List<String> idList(Context ctx, String name, int max) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<String> ids = List.of(text.split(","));
        if (ids.size() > max) {
            throw ApiException.badRequest(name, "at most " + max + " ids");
        }
        ids.forEach(id -> id(id.strip(), name));
        return ids.stream().map(String::strip).toList();
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
