package io.nudge.documents;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.config.NudgeConfig;
import io.nudge.events.FieldError;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields of one JSON object, collecting every problem as a {@link FieldError} instead of stopping at
 * the first, so a sender learns everything that is wrong with a document at once. Absent and {@code null}
 * fields read as {@code null}.
 */
public final class JsonFields {

    private final JsonNode node;
    private final String prefix;
    private final List<FieldError> errors;

    private JsonFields(JsonNode node, String prefix, List<FieldError> errors) {
        this.node = node;
        this.prefix = prefix;
        this.errors = errors;
    }

    /** Fields of {@code node}, which must be an object with no fields outside {@code known}. */
    public static JsonFields of(JsonNode node, String what, Set<String> known) {
        return check(new JsonFields(node, "", new ArrayList<>()), "(body)", what, known);
    }

    /**
     * The fields of the object in {@code field}, reported as {@code field.name}; problems go to this document's
     * errors. A missing object reads as empty (check {@link #has} first when it is required).
     */
    public JsonFields object(String field, String what, Set<String> known) {
        JsonFields nested = new JsonFields(value(field), prefix + field + ".", errors);
        return value(field) == null ? nested : check(nested, prefix + field, what, known);
    }

    private static JsonFields check(JsonFields fields, String where, String what, Set<String> known) {
        if (fields.node == null || !fields.node.isObject()) {
            fields.errors.add(new FieldError(where, what + " must be a JSON object"));
            return fields;
        }
        fields.node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name) && !known.contains("*")) {
                fields.errors.add(new FieldError(fields.prefix + name, "unknown field"));
            }
        });
        return fields;
    }

    /** The names of the object's fields, in document order. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        if (isObject()) {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public void error(String field, String message) {
        errors.add(new FieldError(prefix + field, message));
    }

    /** A duration written like 30m, 1h, 14d (see {@link NudgeConfig#duration}). */
    public Duration duration(String field) {
        String text = text(field);
        if (text == null) {
            return null;
        }
        try {
            Duration duration = NudgeConfig.duration(text);
            if (duration.isZero() || duration.isNegative()) {
                error(field, "must be longer than zero");
                return null;
            }
            return duration;
        } catch (IllegalArgumentException e) {
            error(field, e.getMessage());
            return null;
        }
    }

    public boolean isObject() {
        return node != null && node.isObject();
    }

    private JsonNode value(String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    /**
     * Checks an id the document names (taken from it or from the request's path): at most
     * {@link io.nudge.events.EventValidator#MAX_ID_LENGTH} characters, without '/' or control characters.
     */
    public void checkId(String field, String id, boolean required) {
        if (id == null || id.isBlank()) {
            if (required) {
                error(field, "is required");
            }
        } else if (id.length() > io.nudge.events.EventValidator.MAX_ID_LENGTH || id.chars().anyMatch(c -> Character.isISOControl(c) || c == '/')) {
            error(field, "must be at most " + io.nudge.events.EventValidator.MAX_ID_LENGTH + " characters, without '/' or control characters");
        }
    }

    public boolean has(String field) {
        return value(field) != null;
    }

    public String text(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            error(field, "must be a string");
            return null;
        }
        return value.textValue();
    }

    public Double number(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            error(field, "must be a number");
            return null;
        }
        return value.doubleValue();
    }

    public Integer integer(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            error(field, "must be a whole number");
            return null;
        }
        return value.intValue();
    }

    public Long longInteger(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            error(field, "must be a whole number");
            return null;
        }
        return value.longValue();
    }

    public Boolean bool(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            error(field, "must be true or false");
            return null;
        }
        return value.booleanValue();
    }

    /** An ISO-8601 instant ({@code 2026-11-25T10:00:00Z}) or epoch milliseconds. */
    public Instant instant(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return Instant.ofEpochMilli(value.longValue());
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.textValue());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        error(field, "must be an ISO-8601 instant (2026-11-25T10:00:00Z) or epoch milliseconds");
        return null;
    }

    /** The objects of an array, each reported as {@code field[i].name}; absent reads as empty. */
    public List<JsonFields> objects(String field, String what, Set<String> known) {
        JsonNode value = value(field);
        List<JsonFields> objects = new ArrayList<>();
        if (value == null) {
            return objects;
        }
        if (!value.isArray()) {
            error(field, "must be an array of " + what);
            return objects;
        }
        for (int i = 0; i < value.size(); i++) {
            String at = field + "[" + i + "]";
            objects.add(check(new JsonFields(value.get(i), prefix + at + ".", errors), prefix + at, what, known));
        }
        return objects;
    }

    /** An array of strings; absent reads as empty. */
    public List<String> strings(String field) {
        JsonNode value = value(field);
        List<String> strings = new ArrayList<>();
        if (value == null) {
            return strings;
        }
        if (!value.isArray()) {
            error(field, "must be an array of strings");
            return strings;
        }
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i).isTextual()) {
                strings.add(value.get(i).textValue());
            } else {
                error(field + "[" + i + "]", "must be a string");
            }
        }
        return strings;
    }

    /** An object of strings; absent reads as empty. */
    public Map<String, String> stringMap(String field) {
        JsonNode value = value(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null) {
            return map;
        }
        if (!value.isObject()) {
            error(field, "must be an object of strings");
            return map;
        }
        value.fields().forEachRemaining(entry -> {
            if (entry.getValue().isTextual()) {
                map.put(entry.getKey(), entry.getValue().textValue());
            } else {
                error(field + "." + entry.getKey(), "must be a string");
            }
        });
        return map;
    }
}
