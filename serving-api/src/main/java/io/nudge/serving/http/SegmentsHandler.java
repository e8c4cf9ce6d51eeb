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
final class SegmentsHandler extends VersionedDocumentHandler<SegmentDefinition> {

    static final int SAMPLE = 20;
    private static final List<String> CHANNELS = List.of("email", "sms", "push", "web");

    private final SegmentMembers members;
    private final ProfileStore profiles;
    private final CustomerMetrics.Thresholds thresholds;

    SegmentsHandler(SegmentBook segments, SegmentMembers members, ProfileStore profiles, AcknowledgedWriter writer,
                    CustomerMetrics.Thresholds thresholds, ObjectMapper json, Clock clock) {
        super("segment", "segmentId", "/v1/admin/segments", Codecs.SEGMENTS, segments, writer, json, clock);
        this.members = members;
        this.profiles = profiles;
        this.thresholds = thresholds;
    }

    void list(Context ctx) {
        ctx.json(Map.of("segments", documents.all().stream().map(this::view).toList()));
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

    /**
     * How many customers' profiles this replica holds meet a draft's profile conditions now. Behaviour windows are not
     * in the stored profiles; they are counted once the segment is saved and the job follows it.
     */
    void preview(Context ctx) {
        JsonNode body = Requests.jsonBody(ctx, json);
        Segment draft = parsed(Requests.withoutField(body, "segmentId"), "draft");
        Instant now = clock.instant();
        AtomicLong matching = new AtomicLong();
        AtomicLong all = new AtomicLong();
        profiles.forEach(profile -> {
            // Segments are of customers: the job keeps no anonymous visitor in one.
            if (Boolean.FALSE.equals(profile.getIdentified())) {
                return;
            }
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

    @Override
    protected String validated(JsonNode definition, String segmentId) {
        parsed(definition, segmentId);
        return definition.toString();
    }

    private static Segment parsed(JsonNode definition, String segmentId) {
        SegmentJson.Parsed parsed = SegmentJson.parse(definition, segmentId, 1, true);
        if (parsed.segment() == null) {
            throw ApiException.badRequest("invalid segment", parsed.errors());
        }
        return parsed.segment();
    }

    @Override
    protected String idOf(SegmentDefinition segment) {
        return segment.getSegmentId();
    }

    @Override
    protected SegmentDefinition nextVersion(SegmentDefinition current, String segmentId, String definition, Instant now) {
        return current == null ? new SegmentDefinition(segmentId, 1, true, definition, now)
                : new SegmentDefinition(segmentId, current.getVersion() + 1, current.getActive(), definition, now);
    }

    @Override
    protected SegmentDefinition withActive(SegmentDefinition current, boolean active, Instant now) {
        return SegmentDefinition.newBuilder(current).setActive(active).setUpdatedAt(now).build();
    }

    @Override
    protected SegmentView view(SegmentDefinition segment) {
        return render(segment, members.count(segment.getSegmentId()));
    }

    @Override
    protected SegmentView versionView(SegmentDefinition segment) {
        return render(segment, null);
    }

    private SegmentView render(SegmentDefinition segment, Integer count) {
        return new SegmentView(segment.getSegmentId(), segment.getVersion(), segment.getActive() ? "active" : "paused",
                segment.getUpdatedAt().toString(), count, definitionOf(segment.getDefinition()));
    }
}
