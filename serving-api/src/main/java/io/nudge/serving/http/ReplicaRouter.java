package io.nudge.serving.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.nudge.config.ServingReplica;
import io.nudge.events.Pseudonyms;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.kafka.common.utils.Utils;

/**
 * Where a customer's requests are answered when serving replicas split the customers: by the replica keeping the
 * profiles-topic partition of the customer's profile key. A request that reaches another replica is forwarded to
 * the owner (one hop inside the cluster) when the replicas' URLs are configured, else answered {@code 421
 * Misdirected Request} with the owner in the {@value #OWNER} header, for a router to follow.
 *
 * <p>The partition is the one Kafka's producer chose for the key (murmur2 of its UTF-8 bytes, modulo the partition
 * count), so a router in front of the replicas that hashes the same way sends every request straight to its owner.
 */
final class ReplicaRouter {

    /** On a forwarded request: the replica that forwarded it. */
    static final String FORWARDED_BY = "Nudge-Forwarded-By";
    /** On a forwarded request: the profile key it is about, so the owner neither pseudonymises again nor re-resolves. */
    static final String PROFILE_KEY = "Nudge-Profile-Key";
    /** On a 421: the number of the replica that keeps the customer, as {@code number/replicas}. */
    static final String OWNER = "Nudge-Owner";
    /** On every answer of a partitioned route: the replica that answered. */
    static final String ANSWERED_BY = "Nudge-Answered-By";

    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(2);
    private static final List<String> FORWARDED_HEADERS = List.of("Authorization", "Content-Type", "Accept", "Origin");
    private static final List<String> RETURNED_HEADERS = List.of("Retry-After", "Access-Control-Allow-Origin", "Vary", ANSWERED_BY);

    private final ServingReplica replica;
    private final List<String> urls;
    private final IntSupplier profilePartitions;
    private final Pseudonyms pseudonyms;
    private final HttpClient http;

    /**
     * @param urls              base URLs of all replicas in replica order, or empty to answer 421 instead of forwarding
     * @param profilePartitions the profiles topic's partition count; 0 while not known yet (then everything is local)
     */
    ReplicaRouter(ServingReplica replica, List<String> urls, IntSupplier profilePartitions, Pseudonyms pseudonyms) {
        this.replica = replica;
        this.urls = List.copyOf(urls);
        this.profilePartitions = profilePartitions;
        this.pseudonyms = pseudonyms;
        this.http = replica.isAlone() || urls.isEmpty() ? null
                : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(FORWARD_TIMEOUT).build();
    }

    /** {@code handler} of a route whose path parameter {@code idParam} names a customer, answered by their replica. */
    Handler owned(String idParam, Handler handler) {
        if (replica.isAlone()) {
            return handler;
        }
        return ctx -> {
            if (!answeredElsewhere(ctx, profileKey(ctx, idParam))) {
                ctx.header(ANSWERED_BY, replica.toString());
                handler.handle(ctx);
            }
        };
    }

    /** The profile key a request is about: the pseudonym of its id, or the key a forwarding replica resolved. */
    String profileKey(Context ctx, String idParam) {
        String resolved = replica.isAlone() || ctx.header(FORWARDED_BY) == null ? null : ctx.header(PROFILE_KEY);
        return resolved != null ? resolved : pseudonyms.of(ctx.pathParam(idParam));
    }

    /**
     * Whether another replica keeps {@code profileKey}; if so, the request has been answered by it (forwarded) or
     * with a 421 naming it. Also used for a visitor merged into a customer kept elsewhere.
     */
    boolean answeredElsewhere(Context ctx, String profileKey) {
        int partitions = profilePartitions.getAsInt();
        if (replica.isAlone() || partitions == 0) {
            return false;
        }
        int owner = replica.ownerOf(partitionOf(profileKey, partitions));
        if (owner == replica.number()) {
            return false;
        }
        String ownerName = owner + "/" + replica.replicas();
        if (ctx.header(FORWARDED_BY) != null && profileKey.equals(ctx.header(PROFILE_KEY))) {
            // Sent here for a key another replica keeps: the replicas disagree on who keeps what. Say so rather than loop.
            // (A visitor's forwarded request may still go on to the replica of the customer they were merged into.)
            ctx.header(OWNER, ownerName);
            throw new ApiException(421, "replica " + ctx.header(FORWARDED_BY) + " forwarded a customer of replica " + ownerName
                    + " to replica " + replica + ": check serving.replica and serving.replica.urls", List.of());
        }
        if (http == null) {
            ctx.header(OWNER, ownerName);
            throw new ApiException(421, "this customer is served by replica " + ownerName, List.of());
        }
        forward(ctx, urls.get(owner - 1), profileKey, ownerName);
        return true;
    }

    /** Whether this request comes from another replica (forwarded, or asking for this replica's share of a report). */
    boolean isFromAReplica(Context ctx) {
        return !replica.isAlone() && ctx.header(FORWARDED_BY) != null;
    }

    /** How many replicas' customers a report made here covers: all of them when the others can be asked, else this one's. */
    int replicasReported() {
        return http == null ? 1 : replica.replicas();
    }

    /**
     * The answers of every other replica to this request, each for its own share of the customers, for a report that
     * sums them; none when alone or when the replicas' URLs are not configured.
     *
     * @throws ApiException 503 if one does not answer 200: a report missing a share would mislead
     */
    List<byte[]> sharesOfOtherReplicas(Context ctx) {
        if (http == null) {
            return List.of();
        }
        List<byte[]> shares = new java.util.ArrayList<>();
        for (int number = 1; number <= replica.replicas(); number++) {
            if (number == replica.number()) {
                continue;
            }
            String query = ctx.queryString();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urls.get(number - 1) + ctx.path() + (query == null ? "" : "?" + query)))
                    .timeout(FORWARD_TIMEOUT).header(FORWARDED_BY, replica.toString()).GET();
            String authorization = ctx.header("Authorization");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            String name = number + "/" + replica.replicas();
            try {
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new ApiException(503, "replica " + name + " answered " + response.statusCode() + " for its share", List.of());
                }
                shares.add(response.body());
            } catch (IOException e) {
                throw new ApiException(503, "replica " + name + " did not answer for its share", List.of());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(503, "stopping", List.of());
            }
        }
        return shares;
    }

    /** The partition Kafka's producer puts a record with this key in. */
    static int partitionOf(String profileKey, int partitions) {
        return Utils.toPositive(Utils.murmur2(profileKey.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private void forward(Context ctx, String ownerUrl, String profileKey, String ownerName) {
        String query = ctx.queryString();
        byte[] body = ctx.bodyAsBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ownerUrl + ctx.path() + (query == null ? "" : "?" + query)))
                .timeout(FORWARD_TIMEOUT)
                .header(FORWARDED_BY, replica.toString())
                .header(PROFILE_KEY, profileKey)
                .method(ctx.method().name(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : FORWARDED_HEADERS) {
            String value = ctx.header(header);
            if (value != null) {
                request.header(header, value);
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ApiException(503, "replica " + ownerName + ", which serves this customer, did not answer", List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "stopping", List.of());
        }
        ctx.status(response.statusCode());
        response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
        for (String header : RETURNED_HEADERS) {
            response.headers().firstValue(header).ifPresent(value -> ctx.header(header, value));
        }
        ctx.result(response.body());
    }
}
