package io.nudge.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.nudge.schemas.SingleObjectCodec;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.store.VersionedDocuments;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the admin routes of every document marketers edit in versions (rules, segments, experiments) share: create
 * (version 1; 409 when the id exists), update (the next version; an id in the body must be the path's), pause and
 * resume (the same version), delete, and the versions read since start. A change is written to the document's
 * compacted topic, acknowledged, and only then kept here, so what the API shows is what the job will follow.
 */
abstract class VersionedDocumentHandler<T extends SpecificRecord> {

    private final String kind;
    private final String idField;
    private final String path;
    private final SingleObjectCodec<T> codec;
    private final AcknowledgedWriter writer;
    protected final VersionedDocuments<T> documents;
    protected final ObjectMapper json;
    protected final Clock clock;

    /**
     * @param kind    the document's name in messages ("rule")
     * @param idField its id's field in bodies and the path parameter's name ("ruleId")
     * @param path    the collection's route ("/v1/admin/rules")
     */
    VersionedDocumentHandler(String kind, String idField, String path, SingleObjectCodec<T> codec, VersionedDocuments<T> documents,
                             AcknowledgedWriter writer, ObjectMapper json, Clock clock) {
        this.kind = kind;
        this.idField = idField;
        this.path = path;
        this.codec = codec;
        this.documents = documents;
        this.writer = writer;
        this.json = json;
        this.clock = clock;
    }

    /** The definition as stored: the document validated (400 with every field error otherwise) and written compactly. */
    protected abstract String validated(JsonNode definition, String id);

    protected abstract String idOf(T document);

    /** Version 1 of a new document ({@code current} null), or the version after {@code current}, with its state kept. */
    protected abstract T nextVersion(T current, String id, String definition, Instant now);

    /** The same version switched on or off. */
    protected abstract T withActive(T current, boolean active, Instant now);

    /** The document as the API shows it. */
    protected abstract Object view(T document);

    /** A past version as the API lists it. */
    protected Object versionView(T document) {
        return view(document);
    }

    /** After a document is deleted: what else goes with it. */
    protected void deleted(String id) {}

    void create(Context ctx) throws AcknowledgedWriter.UnavailableException {
        JsonNode body = Requests.jsonBody(ctx, json);
        String id = body.isObject() && body.hasNonNull(idField) ? body.get(idField).asText() : null;
        if (id == null) {
            throw ApiException.badRequest(idField, "is required");
        }
        Requests.id(id, idField);
        if (documents.get(id).isPresent()) {
            throw new ApiException(409, kind + " '" + id + "' exists; change it with PUT " + path + "/" + id, List.of());
        }
        String definition = validated(Requests.withoutField(body, idField), id);
        ctx.status(201).json(view(publish(nextVersion(null, id, definition, clock.instant()))));
    }

    void update(Context ctx) throws AcknowledgedWriter.UnavailableException {
        T current = existing(ctx);
        String id = idOf(current);
        JsonNode body = Requests.jsonBody(ctx, json);
        if (body.isObject() && body.hasNonNull(idField) && !body.get(idField).asText().equals(id)) {
            throw ApiException.badRequest(idField, "does not match the id in the path '" + id + "'");
        }
        String definition = validated(Requests.withoutField(body, idField), id);
        ctx.json(view(publish(nextVersion(current, id, definition, clock.instant()))));
    }

    void pause(Context ctx) throws AcknowledgedWriter.UnavailableException {
        ctx.json(view(publish(withActive(existing(ctx), false, clock.instant()))));
    }

    void resume(Context ctx) throws AcknowledgedWriter.UnavailableException {
        ctx.json(view(publish(withActive(existing(ctx), true, clock.instant()))));
    }

    void delete(Context ctx) throws AcknowledgedWriter.UnavailableException {
        String id = idOf(existing(ctx));
        writer.write(id, null);
        documents.remove(id);
        deleted(id);
        ctx.status(204);
    }

    void versions(Context ctx) {
        String id = idOf(existing(ctx));
        ctx.json(Map.of(idField, id, "versions", documents.versions(id).stream().map(this::versionView).toList()));
    }

    protected T existing(Context ctx) {
        String id = Requests.id(ctx.pathParam(idField), idField);
        return documents.get(id).orElseThrow(() -> new ApiException(404, "no " + kind + " '" + id + "'", List.of()));
    }

    /** The stored definition as JSON, or as written if it no longer parses. */
    protected Object definitionOf(String definition) {
        try {
            return json.readTree(definition);
        } catch (Exception e) {
            return definition;
        }
    }

    private T publish(T document) throws AcknowledgedWriter.UnavailableException {
        writer.write(idOf(document), codec.encode(document));
        documents.upsert(document);
        return document;
    }
}
