package io.nudge.segments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.events.FieldError;
import io.nudge.documents.JsonFields;
import io.nudge.profile.LifecycleStage;
import io.nudge.schemas.Channel;
import io.nudge.triggers.EventMatch;
import io.nudge.triggers.RuleJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A segment's JSON document, as marketers write it and as it travels on the segments topic:
 * <pre>
 * {"name": "Garden lovers who stopped buying",
 *  "profile": {"lifecycleStages": ["active", "vip", "at_risk"], "lifetimeValue": {"atLeast": 100},
 *              "categoryAffinity": {"garden": 0.3}, "consent": ["email"]},
 *  "behaviour": [{"event": {"type": "product_view", "where": {"category": "garden"}}, "atLeast": 3, "within": "7d"},
 *                {"event": {"type": "purchase"}, "atMost": 0, "within": "60d"}],
 *  "boost": {"categories": {"garden": 1.5}, "items": {"garden-gloves": 2}}}
 * </pre>
 * Profile conditions: {@code lifecycleStages}, ranges ({@code atLeast}, {@code atMost}) on {@code lifetimeValue},
 * {@code cartValue}, {@code orders}, {@code churnRisk} (0..1) and {@code daysToNextPurchase}; {@code categoryAffinity}
 * (category to the least share of the customer's interest, 0..1); {@code consent} (channels the customer agreed to).
 * Behaviour: an event match as in rules, a count range and a window. Boost: factors on members' item recommendations
 * by category and by item ({@link Boost}). Every problem is reported with its path.
 */
public final class SegmentJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP = Set.of("name", "profile", "behaviour", "boost");
    private static final Set<String> BOOST = Set.of("categories", "items");
    private static final Set<String> PROFILE = Set.of("lifecycleStages", "lifetimeValue", "cartValue", "orders", "categoryAffinity",
            "consent", "churnRisk", "daysToNextPurchase");
    private static final Set<String> RANGE = Set.of("atLeast", "atMost");
    private static final Set<String> BEHAVIOUR = Set.of("event", "atLeast", "atMost", "within");
    /** A count bound above this would make every customer's state carry that many event times. */
    static final int MAX_COUNT = 100;
    static final int MAX_BEHAVIOURS = 10;

    /** The segment, or every problem with its document: exactly one of the two is present. */
    public record Parsed(Segment segment, List<FieldError> errors) {}

    private SegmentJson() {}

    public static Parsed parse(String definition, String segmentId, int version, boolean active) {
        try {
            return parse(JSON.readTree(definition), segmentId, version, active);
        } catch (JsonProcessingException e) {
            return new Parsed(null, List.of(new FieldError("(body)", "malformed JSON: " + e.getOriginalMessage())));
        }
    }

    public static Parsed parse(JsonNode document, String segmentId, int version, boolean active) {
        JsonFields fields = JsonFields.of(document, "a segment", TOP);
        if (!fields.isObject()) {
            return new Parsed(null, fields.errors());
        }
        String name = fields.text("name");
        if (name == null || name.isBlank()) {
            fields.error("name", "is required");
        }
        ProfileConditions profile = fields.has("profile") ? profile(fields.object("profile", "profile conditions", PROFILE)) : ProfileConditions.ANYONE;
        List<Behaviour> behaviour = new ArrayList<>();
        List<JsonFields> clauses = fields.objects("behaviour", "behaviour conditions", BEHAVIOUR);
        if (clauses.size() > MAX_BEHAVIOURS) {
            fields.error("behaviour", "at most " + MAX_BEHAVIOURS + " conditions");
        }
        clauses.forEach(clause -> behaviour.add(behaviour(clause)));
        Boost boost = fields.has("boost") ? boost(fields.object("boost", "boosts of categories and items", BOOST)) : Boost.NONE;
        if (!fields.errors().isEmpty()) {
            return new Parsed(null, fields.errors());
        }
        return new Parsed(new Segment(segmentId, version, active, name, profile, behaviour, boost), List.of());
    }

    private static Boost boost(JsonFields boost) {
        return new Boost(factors(boost, "categories"), factors(boost, "items"));
    }

    private static Map<String, Double> factors(JsonFields boost, String field) {
        Map<String, Double> factors = new LinkedHashMap<>();
        if (boost.has(field)) {
            JsonFields named = boost.object(field, field + " to factors", Set.of("*"));
            for (String name : named.names()) {
                Double factor = named.number(name);
                if (factor == null || factor <= 0 || factor > Boost.MAX_FACTOR) {
                    named.error(name, "must be a factor above 0 and at most " + (int) Boost.MAX_FACTOR + " (1 changes nothing)");
                } else {
                    factors.put(name, factor);
                }
            }
        }
        return factors;
    }

    private static ProfileConditions profile(JsonFields profile) {
        Set<LifecycleStage> stages = RuleJson.stages(profile, "lifecycleStages");
        Map<String, Double> affinity = new LinkedHashMap<>();
        if (profile.has("categoryAffinity")) {
            JsonFields categories = profile.object("categoryAffinity", "categories to shares", Set.of("*"));
            for (String category : categories.names()) {
                Double share = categories.number(category);
                if (share == null || share <= 0 || share > 1) {
                    categories.error(category, "must be a share above 0 and at most 1");
                } else {
                    affinity.put(category, share);
                }
            }
        }
        Set<Channel> consent = new HashSet<>();
        for (String channel : profile.strings("consent")) {
            List<String> channels = List.of("email", "sms", "push", "web");
            if (channels.contains(channel)) {
                consent.add(Channel.valueOf(channel.toUpperCase(Locale.ROOT)));
            } else {
                profile.error("consent", "unknown channel '" + channel + "'; one of " + channels);
            }
        }
        return new ProfileConditions(stages, range(profile, "lifetimeValue", 0, Double.MAX_VALUE), range(profile, "cartValue", 0, Double.MAX_VALUE),
                range(profile, "orders", 0, Double.MAX_VALUE), affinity, consent, range(profile, "churnRisk", 0, 1),
                range(profile, "daysToNextPurchase", 0, 3660));
    }

    private static ProfileConditions.Range range(JsonFields parent, String field, double min, double max) {
        if (!parent.has(field)) {
            return null;
        }
        JsonFields range = parent.object(field, "a range", RANGE);
        Double atLeast = range.number("atLeast");
        Double atMost = range.number("atMost");
        if (atLeast == null && atMost == null) {
            range.error("atLeast", "a range needs atLeast, atMost or both");
        }
        for (String bound : List.of("atLeast", "atMost")) {
            Double value = range.number(bound);
            if (value != null && (value < min || value > max)) {
                range.error(bound, "must be between " + format(min) + " and " + format(max));
            }
        }
        if (atLeast != null && atMost != null && atLeast > atMost) {
            range.error("atMost", "must not be below atLeast");
        }
        return new ProfileConditions.Range(atLeast, atMost);
    }

    private static String format(double value) {
        return value == Double.MAX_VALUE ? "any amount" : value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static Behaviour behaviour(JsonFields clause) {
        EventMatch event = RuleJson.match(clause, "event");
        Integer atLeast = clause.integer("atLeast");
        Integer atMost = clause.integer("atMost");
        if (atLeast == null && atMost == null) {
            clause.error("atLeast", "a count needs atLeast, atMost or both");
        }
        if (atLeast != null && (atLeast < 1 || atLeast > MAX_COUNT)) {
            clause.error("atLeast", "must be between 1 and " + MAX_COUNT);
        }
        if (atMost != null && (atMost < 0 || atMost > MAX_COUNT)) {
            clause.error("atMost", "must be between 0 and " + MAX_COUNT);
        }
        if (atLeast != null && atMost != null && atLeast > atMost) {
            clause.error("atMost", "must not be below atLeast");
        }
        Duration within = RuleJson.window(clause, "within");
        return new Behaviour(event, atLeast, atMost, within);
    }
}
