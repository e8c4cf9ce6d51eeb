package io.nudge.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.nudge.profile.CustomerMetrics;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.SegmentDefinition;
import io.nudge.segments.Segment;
import io.nudge.segments.SegmentJson;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.segments.SegmentBook;
import io.nudge.serving.segments.SegmentMembers;
import io.nudge.serving.store.ProfileStore;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Segments for marketers ({@code /v1/admin/segments}): list with live counts, create, update (a new version), pause,
 * resume, delete, versions, one segment with its count, reach per channel and a sample of members, and a preview of a
 * draft's count. Definitions go to the compacted segments topic, which the running job follows; counts come from the
 * job's enter and exit records.
 */
final class SegmentsHandler {

    static final int SAMPLE = 20;
    private static final List<String> CHANNELS = List.of("email", "sms", "push", "web");

    private final SegmentBook segments;
    private final SegmentMembers members;
    private final ProfileStore profiles;
    private final AcknowledgedWriter writer;
    private final CustomerMetrics.Thresholds thresholds;
    private final ObjectMapper json;
    private final Clock clock;

    SegmentsHandler(SegmentBook segments, SegmentMembers members, ProfileStore profiles, AcknowledgedWriter writer,
                    CustomerMetrics.Thresholds thresholds, ObjectMapper json, Clock clock) {
        this.segments = segments;
        this.members = members;
        this.profiles = profiles;
        this.writer = writer;
        this.thresholds = thresholds;
        this.json = json;
        this.clock = clock;
    }

    void list(Context ctx) {
        ctx.json(Map.of("segments", segments.all().stream().map(segment -> render(segment, members.count(segment.getSegmentId()))).toList()));
    }

    void get(Context ctx) {
        SegmentDefinition segment = existing(ctx);
        String segmentId = segment.getSegmentId();
        Map<String, Long> reachable = new LinkedHashMap<>();
        CHANNELS.forEach(channel -> reachable.put(channel, 0L));
        int count = 0;
        for (String customerId : members.of(segmentId)) {
            count++;
            CustomerProfile profile = profiles.exactly(customerId).orElse(null);
            for (String channel : CHANNELS) {
                // On-site messages need no consent: whoever visits can be shown one.
                if (channel.equals("web") || (profile != null && Boolean.TRUE.equals(profile.getConsent().get(channel)))) {
                    reachable.merge(channel, 1L, Long::sum);
                }
            }
        }
        Instant last = members.lastChange(segmentId);
        ctx.json(new SegmentDetail(render(segment, count), reachable, members.sample(segmentId, SAMPLE), last == null ? null : last.toString()));
    }

    void versions(Context ctx) {
        SegmentDefinition segment = existing(ctx);
        ctx.json(Map.of("segmentId", segment.getSegmentId(), "versions",
                segments.versions(segment.getSegmentId()).stream().map(version -> render(version, null)).toList()));
    }

    void create(Context ctx) throws AcknowledgedWriter.UnavailableException {
        JsonNode body = Requests.jsonBody(ctx, json);
        String segmentId = body.isObject() && body.hasNonNull("segmentId") ? body.get("segmentId").asText() : null;
        if (segmentId == null) {
            throw ApiException.badRequest("segmentId", "is required");
        }
        Requests.id(segmentId, "segmentId");
        if (segments.get(segmentId).isPresent()) {
            throw new ApiException(409, "segment '" + segmentId + "' exists; change it with PUT /v1/admin/segments/" + segmentId, List.of());
        }
        String definition = validated(Requests.withoutField(body, "segmentId"), segmentId).definition;
        ctx.status(201).json(render(publish(new SegmentDefinition(segmentId, 1, true, definition, clock.instant())), 0));
    }

    void update(Context ctx) throws AcknowledgedWriter.UnavailableException {
        SegmentDefinition current = existing(ctx);
        JsonNode body = Requests.jsonBody(ctx, json);
        if (body.isObject() && body.hasNonNull("segmentId") && !body.get("segmentId").asText().equals(current.getSegmentId())) {
            throw ApiException.badRequest("segmentId", "does not match the id in the path '" + current.getSegmentId() + "'");
        }
        String definition = validated(Requests.withoutField(body, "segmentId"), current.getSegmentId()).definition;
        SegmentDefinition next = new SegmentDefinition(current.getSegmentId(), current.getVersion() + 1, current.getActive(), definition, clock.instant());
        ctx.json(render(publish(next), members.count(current.getSegmentId())));
    }

    void pause(Context ctx) throws AcknowledgedWriter.UnavailableException {
        setActive(ctx, false);
    }

    void resume(Context ctx) throws AcknowledgedWriter.UnavailableException {
        setActive(ctx, true);
    }

    void delete(Context ctx) throws AcknowledgedWriter.UnavailableException {
        SegmentDefinition current = existing(ctx);
        writer.write(current.getSegmentId(), null);
        segments.remove(current.getSegmentId());
        ctx.status(204);
    }

    /**
     * How many profiles this replica holds meet a draft's profile conditions now. Behaviour windows are not in the
     * stored profiles; they are counted once the segment is saved and the job follows it.
     */
    void preview(Context ctx) {
        JsonNode body = Requests.jsonBody(ctx, json);
        Segment draft = validated(Requests.withoutField(body, "segmentId"), "draft").segment;
        Instant now = clock.instant();
        AtomicLong matching = new AtomicLong();
        AtomicLong all = new AtomicLong();
        profiles.forEach(profile -> {
            all.incrementAndGet();
            if (draft.profile().accepts(profile, now, thresholds)) {
                matching.incrementAndGet();
            }
        });
        ctx.json(new Preview(matching.get(), all.get(), draft.behaviour().size()));
    }

    /** A draft's count: profiles meeting its profile conditions, of those held, and the behaviour conditions left uncounted. */
    record Preview(long profileConditionsMet, long profiles, int behaviourConditionsNotCounted) {}

    /** A segment as the API shows it: its document as JSON (as written, if it no longer parses), and its live count. */
    record SegmentView(String segmentId, int version, String status, String updatedAt, Integer members, Object definition) {}

    record SegmentDetail(SegmentView segment, Map<String, Long> reachable, List<String> sample, String lastChangeAt) {}

    private record Validated(Segment segment, String definition) {}

    private void setActive(Context ctx, boolean active) throws AcknowledgedWriter.UnavailableException {
        SegmentDefinition current = existing(ctx);
        SegmentDefinition changed = SegmentDefinition.newBuilder(current).setActive(active).setUpdatedAt(clock.instant()).build();
        ctx.json(render(publish(changed), members.count(current.getSegmentId())));
    }

    private SegmentDefinition publish(SegmentDefinition segment) throws AcknowledgedWriter.UnavailableException {
        writer.write(segment.getSegmentId(), Codecs.SEGMENTS.encode(segment));
        segments.upsert(segment);
        return segment;
    }

    private SegmentDefinition existing(Context ctx) {
        String segmentId = Requests.id(ctx.pathParam("segmentId"), "segmentId");
        return segments.get(segmentId).orElseThrow(() -> new ApiException(404, "no segment '" + segmentId + "'", List.of()));
    }


    /** The segment and its definition as stored: the document, validated, written compactly. */
    private static Validated validated(JsonNode definition, String segmentId) {
        SegmentJson.Parsed parsed = SegmentJson.parse(definition, segmentId, 1, true);
        if (parsed.segment() == null) {
            throw ApiException.badRequest("invalid segment", parsed.errors());
        }
        return new Validated(parsed.segment(), definition.toString());
    }

    private SegmentView render(SegmentDefinition segment, Integer count) {
        Object definition;
        try {
            definition = json.readTree(segment.getDefinition());
        } catch (Exception e) {
            definition = segment.getDefinition();
        }
        return new SegmentView(segment.getSegmentId(), segment.getVersion(), segment.getActive() ? "active" : "paused",
                segment.getUpdatedAt().toString(), count, definition);
    }
}
