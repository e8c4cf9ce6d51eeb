package io.nudge.triggers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.documents.JsonFields;
import io.nudge.events.EventTypes;
import io.nudge.events.FieldError;
import io.nudge.profile.LifecycleStage;
import io.nudge.schemas.Channel;
import io.nudge.schemas.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A rule's JSON document, as marketers write it and as it travels on the rules topic:
 * <pre>
 * {"name": "Cart abandoned", "priority": 10,
 *  "when": {"kind": "absence", "first": {"type": "add_to_cart"}, "absent": {"type": "purchase"}, "within": "30m"},
 *  "who":  {"lifecycleStages": ["active", "vip"], "minLifetimeValue": 0, "segments": ["garden-lovers"]},
 *  "then": {"channel": "email", "templateId": "cart-reminder", "payload": {"subject": "Still thinking?"}, "attachOffer": true}}
 * </pre>
 * Condition kinds: {@code event} ({@code event}), {@code sequence} ({@code first}, {@code then}, {@code within}),
 * {@code absence} ({@code first}, {@code absent}, {@code within}), {@code count} ({@code event}, {@code atLeast},
 * {@code within}, optional {@code sumOf}: price or quantity), {@code inactivity} ({@code noVisitFor}), {@code price_drop} ({@code atLeastPercent}, {@code within}, optional
 * {@code interest}: viewed or carted), {@code back_in_stock} ({@code within}, optional {@code interest}),
 * {@code purchase_due} (optional {@code after}) and {@code churn_risk} ({@code atLeast}, optional {@code horizon}). An event
 * match is {@code {"type": "product_view", "where": {"category": "garden", "price": {"atLeast": 10}}}}.
 * Every problem is reported with the path of the field at fault.
 */
public final class RuleJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP = Set.of("name", "priority", "when", "who", "then");
    private static final Set<String> MATCH = Set.of("type", "where");
    private static final Set<String> WHO = Set.of("lifecycleStages", "minLifetimeValue", "maxLifetimeValue", "segments");
    private static final Set<String> THEN = Set.of("channel", "templateId", "payload", "attachOffer");
    private static final Set<String> RANGE = Set.of("atLeast", "atMost");
    private static final Map<String, Set<String>> KINDS = Map.of(
            "event", Set.of("kind", "event"),
            "sequence", Set.of("kind", "first", "then", "within"),
            "absence", Set.of("kind", "first", "absent", "within"),
            "count", Set.of("kind", "event", "atLeast", "within", "sumOf"),
            "inactivity", Set.of("kind", "noVisitFor"),
            "price_drop", Set.of("kind", "atLeastPercent", "interest", "within"),
            "back_in_stock", Set.of("kind", "interest", "within"),
            "purchase_due", Set.of("kind", "after"),
            "churn_risk", Set.of("kind", "atLeast", "horizon"));
    private static final List<String> INTERESTS = List.of("viewed", "carted");
    static final Duration MAX_WINDOW = Duration.ofDays(366);

    private RuleJson() {}

    /** The rule, or every problem with its document: exactly one of the two is present. */
    public record Parsed(Rule rule, List<FieldError> errors) {}

    public static Parsed parse(String definition, String ruleId, int version, boolean active) {
        try {
            return parse(JSON.readTree(definition), ruleId, version, active);
        } catch (JsonProcessingException e) {
            return new Parsed(null, List.of(new FieldError("(body)", "malformed JSON: " + e.getOriginalMessage())));
        }
    }

    public static Parsed parse(JsonNode document, String ruleId, int version, boolean active) {
        JsonFields fields = JsonFields.of(document, "a rule", TOP);
        if (!fields.isObject()) {
            return new Parsed(null, fields.errors());
        }
        String name = fields.text("name");
        if (name == null || name.isBlank()) {
            fields.error("name", "is required");
        }
        Integer priority = fields.integer("priority");
        if (priority != null && (priority < 0 || priority > 1000)) {
            fields.error("priority", "must be between 0 and 1000");
        }
        Condition condition = condition(fields);
        ProfileFilter audience = audience(fields);
        RuleAction action = action(fields);
        if (!fields.errors().isEmpty()) {
            return new Parsed(null, fields.errors());
        }
        return new Parsed(new Rule(ruleId, version, active, name, priority == null ? 0 : priority, condition, audience, action), List.of());
    }

    private static Condition condition(JsonFields top) {
        if (!top.has("when")) {
            top.error("when", "is required: the condition, with a kind of " + KINDS.keySet().stream().sorted().toList());
            return null;
        }
        JsonFields when = top.object("when", "a condition", Set.of("*"));
        String kind = when.text("kind");
        Set<String> known = kind == null ? null : KINDS.get(kind);
        if (known == null) {
            when.error("kind", "must be one of " + KINDS.keySet().stream().sorted().toList());
            return null;
        }
        for (String field : when.names()) {
            if (!known.contains(field)) {
                when.error(field, "unknown field for a " + kind + " condition");
            }
        }
        return switch (kind) {
            case "event" -> new Condition.OnEvent(match(when, "event"));
            case "sequence" -> new Condition.Sequence(match(when, "first"), match(when, "then"), window(when, "within"));
            case "absence" -> new Condition.Absence(match(when, "first"), match(when, "absent"), window(when, "within"));
            case "count" -> count(when);
            case "price_drop" -> priceDrop(when);
            case "back_in_stock" -> new Condition.BackInStock(cartedOnly(when), window(when, "within"));
            case "purchase_due" -> new Condition.PurchaseDue(when.has("after") ? window(when, "after") : Duration.ZERO);
            case "churn_risk" -> churnRisk(when);
            default -> new Condition.Inactivity(window(when, "noVisitFor"));
        };
    }

    private static Condition count(JsonFields when) {
        EventMatch event = match(when, "event");
        Double atLeast = when.number("atLeast");
        if (atLeast == null || atLeast <= 0) {
            when.error("atLeast", "is required and must be above zero");
        }
        String sumOf = when.text("sumOf");
        if (sumOf != null && !EventMatch.NUMBER_FIELDS.contains(sumOf)) {
            when.error("sumOf", "must be one of " + EventMatch.NUMBER_FIELDS.stream().sorted().toList());
        }
        return new Condition.Count(event, atLeast == null ? 1 : atLeast, sumOf, window(when, "within"));
    }

    private static Condition priceDrop(JsonFields when) {
        Double percent = when.number("atLeastPercent");
        if (percent == null || percent <= 0 || percent >= 100) {
            when.error("atLeastPercent", "is required and must be above 0 and below 100");
        }
        return new Condition.PriceDrop(percent == null ? 1 : percent, cartedOnly(when), window(when, "within"));
    }

    private static Condition churnRisk(JsonFields when) {
        Double atLeast = when.number("atLeast");
        if (atLeast == null || atLeast <= 0 || atLeast >= 1) {
            when.error("atLeast", "is required and must be above 0 and below 1");
        }
        Duration horizon = when.has("horizon") ? window(when, "horizon") : Duration.ofDays(90);
        return new Condition.ChurnRisk(atLeast == null ? 0.5 : atLeast, horizon);
    }

    /** Whether an item condition is about carted items only ({@code "interest": "carted"}) or any viewed item (the default). */
    private static boolean cartedOnly(JsonFields when) {
        String interest = when.text("interest");
        if (interest != null && !INTERESTS.contains(interest)) {
            when.error("interest", "must be one of " + INTERESTS);
        }
        return "carted".equals(interest);
    }

    /** A required duration of event time, at most {@link #MAX_WINDOW}. */
    public static Duration window(JsonFields fields, String field) {
        if (!fields.has(field)) {
            fields.error(field, "is required, e.g. \"30m\", \"1h\" or \"14d\"");
            return null;
        }
        Duration duration = fields.duration(field);
        if (duration != null && duration.compareTo(MAX_WINDOW) > 0) {
            fields.error(field, "must be at most 366d");
        }
        return duration;
    }

    /** A required event match: {@code {"type": "product_view", "where": {...}}}. */
    public static EventMatch match(JsonFields parent, String field) {
        if (!parent.has(field)) {
            parent.error(field, "is required: an event match such as {\"type\": \"add_to_cart\"}");
            return null;
        }
        JsonFields match = parent.object(field, "an event match", MATCH);
        EventType type = EventTypes.fromWireName(match.text("type")).orElse(null);
        if (type == null) {
            match.error("type", "must be one of " + EventTypes.wireNames());
        }
        Map<String, String> equals = new HashMap<>();
        Map<String, EventMatch.Range> ranges = new HashMap<>();
        if (match.has("where")) {
            JsonFields where = match.object("where", "conditions on fields", Set.of("*"));
            for (String name : where.names()) {
                if (EventMatch.NUMBER_FIELDS.contains(name)) {
                    JsonFields range = where.object(name, "a range", RANGE);
                    Double atLeast = range.number("atLeast");
                    Double atMost = range.number("atMost");
                    if (atLeast == null && atMost == null) {
                        range.error("atLeast", "a range needs atLeast, atMost or both");
                    }
                    ranges.put(name, new EventMatch.Range(atLeast, atMost));
                } else if (EventMatch.TEXT_FIELDS.contains(name) || name.startsWith("attributes.")) {
                    String value = where.text(name);
                    if (value != null) {
                        equals.put(name, name.equals("channel") ? value.toLowerCase(Locale.ROOT) : value);
                    }
                } else {
                    where.error(name, "cannot be matched; use one of " + EventMatch.TEXT_FIELDS.stream().sorted().toList()
                            + ", attributes.<name>, or a range on " + EventMatch.NUMBER_FIELDS.stream().sorted().toList());
                }
            }
        }
        return new EventMatch(type == null ? EventType.UNKNOWN : type, equals, ranges);
    }

    /** Lifecycle stages by their wire names, each unknown one reported. */
    public static Set<LifecycleStage> stages(JsonFields fields, String field) {
        Set<LifecycleStage> stages = new HashSet<>();
        for (String stage : fields.strings(field)) {
            try {
                stages.add(LifecycleStage.valueOf(stage.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                fields.error(field, "unknown stage '" + stage + "'; one of new, active, at_risk, lapsed, vip");
            }
        }
        return stages;
    }

    private static ProfileFilter audience(JsonFields top) {
        if (!top.has("who")) {
            return ProfileFilter.ANYONE;
        }
        JsonFields who = top.object("who", "an audience", WHO);
        Set<LifecycleStage> stages = stages(who, "lifecycleStages");
        Double min = who.number("minLifetimeValue");
        Double max = who.number("maxLifetimeValue");
        if (min != null && min < 0) {
            who.error("minLifetimeValue", "must be zero or more");
        }
        if (max != null && max < 0) {
            who.error("maxLifetimeValue", "must be zero or more");
        }
        if (min != null && max != null && min > max) {
            who.error("maxLifetimeValue", "must not be below minLifetimeValue");
        }
        List<String> segments = who.strings("segments");
        for (int i = 0; i < segments.size(); i++) {
            who.checkId("segments[" + i + "]", segments.get(i), true);
        }
        return new ProfileFilter(stages, min, max, new HashSet<>(segments));
    }

    private static RuleAction action(JsonFields top) {
        if (!top.has("then")) {
            top.error("then", "is required: the action, e.g. {\"channel\": \"email\", \"templateId\": \"cart-reminder\"}");
            return null;
        }
        JsonFields then = top.object("then", "an action", THEN);
        Channel channel = null;
        String name = then.text("channel");
        List<String> channels = new ArrayList<>(List.of("email", "sms", "push", "web"));
        if (name == null || !channels.contains(name)) {
            then.error("channel", "must be one of " + channels);
        } else {
            channel = Channel.valueOf(name.toUpperCase(Locale.ROOT));
        }
        String template = then.text("templateId");
        if (template == null || template.isBlank()) {
            then.error("templateId", "is required");
        }
        return new RuleAction(channel, template, then.stringMap("payload"), Boolean.TRUE.equals(then.bool("attachOffer")));
    }
}
