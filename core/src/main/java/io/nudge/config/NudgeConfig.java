package io.nudge.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every knob of Nudge in one typed place, each with a default that makes the demo run with no configuration.
 * Values come, lowest precedence first, from the defaults, a properties file, {@code NUDGE_*} environment
 * variables ({@code kafka.bootstrap.servers} is {@code NUDGE_KAFKA_BOOTSTRAP_SERVERS}) and explicit overrides.
 * Unknown keys and unparsable values fail fast with a message naming the setting.
 */
public final class NudgeConfig {

    private static final Map<String, Setting<?>> SETTINGS = new LinkedHashMap<>();

    public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS = define("kafka.bootstrap.servers", "localhost:9092",
            "Kafka brokers to connect to, host:port[,host:port...].", NudgeConfig::nonBlank);

    public static final Setting<String> TOPIC_EVENTS = define("topic.events", "events",
            "Interaction events (Avro single-object encoded), keyed by profile key.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_EVENTS_DLQ = define("topic.events.dlq", "events-dlq",
            "Input records that could not be used, with the reason.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_PROFILES = define("topic.profiles", "profiles",
            "Compacted changelog of customer profiles, keyed by profile key.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_ASSOCIATIONS = define("topic.associations", "associations",
            "Compacted changelog of learned item associations (cross-sell), keyed by item id.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_TRENDING = define("topic.trending", "trending",
            "Compacted topic of what is popular now, per category and for the whole shop ('*').", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_OFFERS = define("topic.offers", "offers",
            "Compacted topic of the offers, keyed by offer id; written by the API's admin endpoints.", NudgeConfig::nonBlank);
    public static final Setting<Integer> TOPIC_PARTITIONS = define("topic.partitions", "2",
            "Partitions of topics Nudge creates itself; the unit of parallelism.", text -> positiveInt(text));
    public static final Setting<Integer> TOPIC_REPLICATION = define("topic.replication.factor", "1",
            "Replication factor of topics Nudge creates itself.", text -> positiveInt(text));
    public static final Setting<String> TOPIC_RULES = define("topic.rules", "rules",
            "Compacted topic of trigger rules, keyed by rule id; written by the API's admin endpoints.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_SEGMENTS = define("topic.segments", "segments",
            "Compacted topic of segments, keyed by segment id; written by the API's admin endpoints, followed by the job.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_SEGMENT_CHANGES = define("topic.segment.changes", "segment-changes",
            "Customers entering and leaving segments, written exactly once by the job (key customer id); read it read_committed.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_EXPERIMENTS = define("topic.experiments", "experiments",
            "Compacted topic of experiments, keyed by experiment id; written by the API's admin endpoints, followed by the job.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_EXPERIMENT_OUTCOMES = define("topic.experiment.outcomes", "experiment-outcomes",
            "Exposures to experiments and purchases within their windows, written exactly once by the job (key experiment id); read it read_committed.",
            NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_FORGOTTEN = define("topic.forgotten", "forgotten",
            "Compacted topic of customer and visitor ids that asked to be forgotten; replays skip their events.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_AUDIT = define("topic.audit", "audit",
            "Append-only topic recording each export and forget: who (a fingerprint of the key), when, which customer. Created without time-based retention.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_OUTREACH = define("topic.outreach", "outreach",
            "Outreach actions (send, suppressed, deferred), written exactly once; read it read_committed.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_OUTREACH_FAILED = define("topic.outreach.failed", "outreach-failed",
            "Topic of outreach actions the dispatcher could not deliver (refused, retries exhausted, no provider or address), each with the reason.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_OUTREACH_FEEDBACK = define("topic.outreach.feedback", "outreach-feedback",
            "Topic of what providers reported about delivered actions (POST /v1/feedback/{provider}), for the campaign reports.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_ITEMS = define("topic.items", "items",
            "Compacted topic of the shop's item catalogue, keyed by item id; written by the API's admin endpoints and ./nudge import-items.", NudgeConfig::nonBlank);

    public static final Setting<Integer> JOB_PARALLELISM = define("job.parallelism", "1",
            "Parallelism of the personalization job.", text -> positiveInt(text));
    public static final Setting<Boolean> JOB_EVENT_TIME_ORDER = define("job.event.time.order", "false",
            "Apply each customer's inputs in event-time order once the watermark passes them, instead of on arrival: outputs then do not depend on how inputs interleave or on parallelism. Replays turn it on; live, it would delay every profile by the watermark bound.",
            NudgeConfig::bool);
    public static final Setting<Duration> JOB_CHECKPOINT_INTERVAL = define("job.checkpoint.interval", "2s",
            "How often the job checkpoints; outreach actions become visible (read_committed) at each checkpoint, so this bounds their delay.", NudgeConfig::positiveDuration);
    public static final Setting<String> JOB_CHECKPOINT_DIR = define("job.checkpoint.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "nudge", "checkpoints").toUri().toString(),
            "Where checkpoints are written (a file:// or object store URI).", NudgeConfig::nonBlank);
    public static final Setting<Duration> JOB_BUFFER_TIMEOUT = define("job.buffer.timeout", "5ms",
            "Longest a record waits in a network buffer between the job's tasks before the buffer is sent half full. Short for freshness (a profile crosses two or three such hops); 0 sends every record at once, which costs throughput.",
            NudgeConfig::nonNegativeDuration);
    public static final Setting<String> JOB_CONSUMER_GROUP = define("job.consumer.group", "nudge-personalization",
            "Kafka consumer group of the personalization job (offsets are committed on checkpoints).", NudgeConfig::nonBlank);

    public static final Setting<Duration> EVENTS_MAX_OUT_OF_ORDERNESS = define("events.max.out.of.orderness", "5s",
            "How far behind the newest event an event may arrive and still count as on time (watermark bound).",
            NudgeConfig::nonNegativeDuration);
    public static final Setting<Duration> EVENTS_ALLOWED_LATENESS = define("events.allowed.lateness", "10m",
            "Events older than the watermark by more than this go to the dead-letter topic as late.",
            NudgeConfig::nonNegativeDuration);
    public static final Setting<Duration> EVENTS_SOURCE_IDLE_TIMEOUT = define("events.source.idle.timeout", "10s",
            "A partition without events for this long stops holding back the watermark.", NudgeConfig::positiveDuration);
    public static final Setting<Integer> EVENTS_MAX_BATCH = define("events.max.batch", "500",
            "Most events one POST /v1/events may carry.", text -> positiveInt(text));
    public static final Setting<Duration> EVENTS_MAX_CLOCK_SKEW = define("events.max.clock.skew", "5m",
            "The API refuses events stamped further than this in the future.", NudgeConfig::nonNegativeDuration);
    public static final Setting<Duration> EVENTS_MAX_AGE = define("events.max.age", "7d",
            "The API refuses events older than this (use replay for history).", NudgeConfig::positiveDuration);

    public static final Setting<Duration> EVENTS_DEDUP_WINDOW = define("events.dedup.window", "24h",
            "An event whose eventId the profile applied within this much event time before is a duplicate (a client's retry) and is applied once.",
            NudgeConfig::positiveDuration);
    public static final Setting<Integer> EVENTS_DEDUP_IDS_MAX = define("events.dedup.ids.max", "1000",
            "At most this many recent event ids are remembered per profile (12 bytes each, kept with the profile); a busier profile remembers the newest.",
            text -> positiveInt(text));

    public static final Setting<String> ARCHIVE_DIR = define("archive.dir", "",
            "Where the job archives every valid event as Avro files by event hour (a file:// or object store URI); empty: no archive.", text -> text);

    public static final Setting<Integer> PROFILE_RECENTLY_VIEWED_MAX = define("profile.recently.viewed.max", "20",
            "Recently viewed items kept per profile.", text -> positiveInt(text));
    public static final Setting<Integer> PROFILE_CART_MAX_LINES = define("profile.cart.max.lines", "50",
            "Cart lines kept per profile; the oldest are dropped beyond it.", text -> positiveInt(text));
    public static final Setting<Duration> PROFILE_AFFINITY_HALF_LIFE = define("profile.affinity.half.life", "7d",
            "Time after which an interaction counts half as much towards category affinity.", NudgeConfig::positiveDuration);
    public static final Setting<Duration> PROFILE_ITEM_HALF_LIFE = define("profile.item.half.life", "180d",
            "Time after which an interaction counts half as much towards item affinity (repeat buying, cross-sell).", NudgeConfig::positiveDuration);
    public static final Setting<Integer> PROFILE_ITEMS_MAX = define("profile.items.max", "60",
            "Items with an affinity kept per profile; the weakest are dropped beyond it.", text -> positiveInt(text));
    public static final Setting<Integer> PROFILE_ORDERS_MAX = define("profile.orders.max", "10",
            "Recent orders kept per profile (the bounded purchase history).", text -> positiveInt(text));
    public static final Setting<Integer> PROFILE_OFFERS_MAX = define("profile.offers.max", "50",
            "Offers with impression/click history kept per profile; the least recently shown are dropped.", text -> positiveInt(text));
    public static final Setting<Duration> PROFILE_SESSION_GAP = define("profile.session.gap", "30m",
            "Inactivity (in event time) after which the next event starts a new session.", NudgeConfig::positiveDuration);
    public static final Setting<Duration> PROFILE_IDLE_TTL = define("profile.idle.ttl", "400d",
            "A profile without events for this long is dropped from the job's state (and the changelog).", NudgeConfig::positiveDuration);

    public static final Setting<Duration> LIFECYCLE_NEW_WITHIN = define("lifecycle.new.within", "30d",
            "A customer first seen this recently, without repeat orders, is 'new'.", NudgeConfig::positiveDuration);
    public static final Setting<Duration> LIFECYCLE_AT_RISK_AFTER = define("lifecycle.at.risk.after", "45d",
            "No visit for this long: 'at risk', for a customer who never bought (one who did is judged by lifecycle.at.risk.churn).",
            NudgeConfig::positiveDuration);
    public static final Setting<Duration> LIFECYCLE_LAPSED_AFTER = define("lifecycle.lapsed.after", "120d",
            "No visit for this long: 'lapsed' (for a customer who bought, only once they are also at risk by their churn risk).",
            NudgeConfig::positiveDuration);
    public static final Setting<Double> LIFECYCLE_VIP_MIN_SPEND = define("lifecycle.vip.min.spend", "1000",
            "Lifetime spend from which an active customer is a 'VIP'.", NudgeConfig::nonNegativeNumber);
    public static final Setting<Integer> LIFECYCLE_VIP_MIN_ORDERS = define("lifecycle.vip.min.orders", "5",
            "Orders from which an active customer with enough spend is a 'VIP'.", text -> positiveInt(text));

    public static final Setting<Duration> LIFECYCLE_RHYTHM_GAP = define("lifecycle.rhythm.gap", "30d",
            "The shop's median time between a customer's purchases, that a customer with few purchases is assumed to follow (./nudge evaluate prints a shop's own).",
            NudgeConfig::positiveDuration);
    public static final Setting<Double> LIFECYCLE_RHYTHM_SPREAD = define("lifecycle.rhythm.spread", "1.0",
            "Spread of the shop's gaps between purchases (standard deviation of their logarithm).", NudgeConfig::positiveNumber);
    public static final Setting<Double> LIFECYCLE_RHYTHM_RETURNING = define("lifecycle.rhythm.returning", "0.6",
            "Share of the shop's customers who buy again after a first purchase: the churn risk's starting doubt about a one-time buyer.",
            NudgeConfig::fraction);
    public static final Setting<Duration> LIFECYCLE_CHURN_HORIZON = define("lifecycle.churn.horizon", "90d",
            "The churn risk is the probability of no purchase within this long.", NudgeConfig::positiveDuration);
    public static final Setting<Double> LIFECYCLE_AT_RISK_CHURN = define("lifecycle.at.risk.churn", "0.6",
            "Churn risk (within lifecycle.churn.horizon) from which a customer who bought is 'at risk': judged against their own rhythm rather than a fixed absence.",
            NudgeConfig::fraction);

    public static final Setting<Duration> CROSSSELL_HALF_LIFE = define("crosssell.half.life", "90d",
            "Time after which two items seen together count half as much towards their association.", NudgeConfig::positiveDuration);
    public static final Setting<Duration> CROSSSELL_DEMAND_HALF_LIFE = define("crosssell.demand.half.life", "7d",
            "Time after which an order counts half as much towards an item's demand (how much it sells now), which weighs the customer's own items in recommendations: of two items they bought alike, the one the shop sells more of now comes first.",
            NudgeConfig::positiveDuration);
    public static final Setting<Integer> CROSSSELL_NEIGHBOURS_MAX = define("crosssell.neighbours.max", "50",
            "Associated items kept per item; the weakest make room for newcomers.", text -> positiveInt(text));
    public static final Setting<Duration> CROSSSELL_PUBLISH_INTERVAL = define("crosssell.publish.interval", "10s",
            "An item's associations are published at most once per this much event time.", NudgeConfig::positiveDuration);

    public static final Setting<Duration> TRENDING_WINDOW = define("trending.window", "1h",
            "Span of event time over which popularity is counted; a whole number of trending.slide.", NudgeConfig::positiveDuration);
    public static final Setting<Duration> TRENDING_SLIDE = define("trending.slide", "5m",
            "How often (in event time) the popularity window moves and is published.", NudgeConfig::positiveDuration);
    public static final Setting<Integer> TRENDING_ITEMS_MAX = define("trending.items.max", "50",
            "Most popular items published per category.", text -> positiveInt(text));

    public static final Setting<Double> RECOMMEND_WEIGHT_OWN = define("recommend.weight.own", "1.0",
            "Weight of the customer's own decayed item affinity (repeat buying) in item scores.", NudgeConfig::nonNegativeNumber);
    public static final Setting<Double> RECOMMEND_WEIGHT_DEMAND = define("recommend.weight.demand", "2.0",
            "How much demand (what the shop sells of an item now, crosssell.demand.half.life) reorders the customer's own items: affinity x (1 + this x the item's demand relative to their most demanded item); 0 turns it off.",
            NudgeConfig::nonNegativeNumber);
    public static final Setting<Double> RECOMMEND_WEIGHT_CROSSSELL = define("recommend.weight.crosssell", "0.2",
            "Weight of items that go with the customer's items, cart, session and page.", NudgeConfig::nonNegativeNumber);
    public static final Setting<Double> RECOMMEND_WEIGHT_TRENDING = define("recommend.weight.trending", "0.2",
            "Weight of current popularity; the only signal for a visitor without history.", NudgeConfig::nonNegativeNumber);
    public static final Setting<Double> RECOMMEND_WEIGHT_NEW = define("recommend.weight.new", "0.3",
            "Weight of new arrivals: items the catalogue says were published lately in the categories the customer (or the page) is about, so that an item without history can be recommended.",
            NudgeConfig::nonNegativeNumber);
    public static final Setting<Double> RECOMMEND_WEIGHT_SIMILAR = define("recommend.weight.similar", "0.3",
            "Weight of items like the page's, the cart's and the session's by the catalogue's description (category path, brand, attributes, price band); 0 turns it off.",
            NudgeConfig::nonNegativeNumber);
    public static final Setting<Duration> RECOMMEND_NEW_WITHIN = define("recommend.new.within", "30d",
            "How long after its publication an item counts as a new arrival; its weight falls to nothing over this time.", NudgeConfig::positiveDuration);
    public static final Setting<Boolean> RECOMMEND_KNOWN_ITEMS_ONLY = define("recommend.known.items.only", "true",
            "Once the item catalogue holds any item, recommend only items it holds (and never out of stock or withdrawn ones). Off for shops that send events but no catalogue.",
            NudgeConfig::bool);

    public static final Setting<Double> OFFERS_CONTROL_FRACTION = define("offers.control.fraction", "0.05",
            "Share of customers (chosen by a hash of their id) who get the non-personalised ranking, to measure uplift.", NudgeConfig::fraction);
    public static final Setting<String> OFFERS_SEED_FILE = define("offers.seed.file", "",
            "JSON file of offers written to an empty offers topic when the API first starts; empty means the bundled demo offers.", text -> text);

    public static final Setting<Duration> SEGMENTS_RECHECK_INTERVAL = define("segments.recheck.interval", "1h",
            "How often (in event time) a customer is judged again, without an event, for segments whose conditions follow the clock (lifecycle stage, churn risk, next purchase); behaviour windows are exact.",
            NudgeConfig::positiveDuration);
    public static final Setting<Double> EXPERIMENTS_CONFIDENCE = define("experiments.confidence", "0.95",
            "Confidence of the experiments' intervals and decisions: the chance that a declared winner is right, however often the report is read.",
            text -> {
                double confidence = Double.parseDouble(text);
                if (!(confidence >= 0.5 && confidence < 1)) {
                    throw new IllegalArgumentException("must be at least 0.5 and below 1");
                }
                return confidence;
            });
    public static final Setting<Integer> OUTREACH_CONTACTS_MAX = define("outreach.contacts.max", "50",
            "Messages kept in a customer's contact history (newest first, with what became of each); the caps count those that went out, so it must hold a cap period's worth.",
            text -> positiveInt(text));
    public static final Setting<Duration> OUTREACH_ITEM_INTEREST_WITHIN = define("outreach.item.interest.within", "30d",
            "How long the job remembers that a customer viewed or carted an item, for price-drop and back-in-stock rules; a rule's own window is cut to it.",
            NudgeConfig::positiveDuration);
    public static final Setting<String> OUTREACH_DISPATCHER_GROUP = define("outreach.dispatcher.group", "nudge-dispatcher",
            "Consumer group of the API's reference dispatcher (records what would be sent).", NudgeConfig::nonBlank);
    public static final Setting<Cap> OUTREACH_CAP_EMAIL = define("outreach.cap.email", "1/24h",
            "At most this many emails per customer per period (N/period).", Cap::parse);
    public static final Setting<Cap> OUTREACH_CAP_SMS = define("outreach.cap.sms", "1/24h",
            "At most this many text messages per customer per period.", Cap::parse);
    public static final Setting<Cap> OUTREACH_CAP_PUSH = define("outreach.cap.push", "2/24h",
            "At most this many push notifications per customer per period.", Cap::parse);
    public static final Setting<Cap> OUTREACH_CAP_WEB = define("outreach.cap.web", "10/24h",
            "At most this many on-site messages per customer per period.", Cap::parse);
    public static final Setting<Cap> OUTREACH_CAP_MESSAGES = define("outreach.cap.messages", "3/7d",
            "At most this many emails, texts and pushes together per customer per period.", Cap::parse);
    public static final Setting<QuietHours> OUTREACH_QUIET_HOURS = define("outreach.quiet.hours", "21:00-08:00",
            "Local hours without email, text or push (HH:mm-HH:mm, may wrap midnight; empty for none); such messages are deferred.",
            QuietHours::parse);
    public static final Setting<java.time.ZoneId> OUTREACH_TIME_ZONE = define("outreach.time.zone", "UTC",
            "Time zone for quiet hours of customers whose own zone is unknown.", NudgeConfig::zone);

    public static final Setting<Integer> HTTP_PORT = define("http.port", "8080",
            "Port of the serving API.", text -> portNumber(text));
    public static final Setting<String> HTTP_TLS_KEYSTORE = define("http.tls.keystore", "",
            "PKCS12 keystore with the API's private key and certificate chain; when set the API speaks only HTTPS on http.port. Empty: plain HTTP (behind a TLS-terminating proxy).",
            text -> text);
    public static final Setting<String> HTTP_TLS_KEYSTORE_PASSWORD = defineSecret("http.tls.keystore.password", "",
            "Password of http.tls.keystore (and of its key).", text -> text);
    public static final Setting<Integer> HTTP_MAX_BODY_BYTES = define("http.max.body.bytes", "65536",
            "Largest request body the API accepts.", text -> positiveInt(text));

    public static final Setting<String> API_ADMIN_KEY = defineSecret("api.admin.key", "",
            "Key for the admin endpoints (Authorization: Bearer <key>); empty generates one at start and logs it.", text -> text);
    public static final Setting<Map<String, String>> API_SITE_KEYS = defineSecret("api.site.keys", "",
            "Keys of the sites that call the public endpoints (events, recommendations) as site=key pairs, comma-separated (web=k1,app=k2); "
                    + "safe to embed in a page, they grant nothing else. Empty generates one for site 'default' at start and logs it.",
            NudgeConfig::sitePairs);
    public static final Setting<Map<String, String>> API_SITE_ORIGINS = define("api.site.origins", "",
            "Browser origins each site's pages are served from, as site=origin|origin pairs (web=https://shop.example|https://www.shop.example); "
                    + "cross-origin calls with that site's key are allowed only from these. Empty: no cross-origin calls.",
            NudgeConfig::sitePairs);
    public static final Setting<Map<String, String>> API_FEEDBACK_SECRETS = defineSecret("api.feedback.secrets", "",
            "Secrets shared with providers that post feedback (POST /v1/feedback/{provider}), as provider=secret pairs (esp=s1,sms=s2); a report must carry "
                    + "a Nudge-Signature under its provider's secret. Empty: feedback is refused.",
            NudgeConfig::sitePairs);
    public static final Setting<String> API_PSEUDONYMISE_KEY = defineSecret("api.pseudonymise.key", "",
            "Secret for pseudonymising customer and anonymous ids at the API: when set, they are replaced by an HMAC-SHA256 of the id before anything is stored, "
                    + "and callers keep using their own ids. Empty: ids are kept as sent.", text -> text);
    public static final Setting<Integer> API_BACKTEST_MAX_EVENTS = define("api.backtest.max.events", "500000",
            "Most events POST /v1/admin/backtest reads into memory (about 0.5 KB each); a larger range is refused with a pointer to ./nudge backtest, which has no limit.",
            text -> positiveInt(text));
    public static final Setting<Boolean> API_DEMO_SHOP = define("api.demo.shop", "false",
            "Serve the demo shop at /shop, a page using the website snippet with the first site key in it. ./nudge demo turns it on; keep it off in production.",
            text -> bool(text));
    public static final Setting<Integer> API_RATE_LIMIT = define("api.rate.limit", "1000",
            "Requests per second each key (site or admin) may make, with bursts of up to one second's worth; beyond it 429 with Retry-After. Per replica.",
            text -> positiveInt(text));
    public static final Setting<Integer> API_RATE_LIMIT_ADDRESS = define("api.rate.limit.address", "300",
            "Requests per second one client address may make with a site key, beneath the key's budget: a flooding client is refused (429) and can spend at most this much of the shop's budget. "
                    + "A shop's server sending for all its visitors from one address needs a site key of its own with this raised. Per replica.",
            text -> positiveInt(text));
    public static final Setting<Integer> API_RATE_LIMIT_VISITOR = define("api.rate.limit.visitor", "20",
            "Requests per second for one visitor or customer id named by the route (recommendations), beneath the address limit. Per replica.",
            text -> positiveInt(text));
    public static final Setting<String> API_CLIENT_ADDRESS_HEADER = define("api.client.address.header", "",
            "Header a trusted proxy puts the client's address in (e.g. X-Forwarded-For; its first address counts); empty: the connection's address.",
            text -> text.trim());

    public static final Setting<ServingReplica> SERVING_REPLICA = define("serving.replica", "",
            "This replica's share of the customers when several serving replicas split them, as number/replicas (2/4): it keeps the profiles of the profiles-topic partitions p with p mod replicas = number - 1 "
                    + "(every replica still keeps the small shared topics) and passes requests for other customers to their replica (see serving.replica.urls). Empty: the only replica, keeping every profile.",
            ServingReplica::parse);
    public static final Setting<List<String>> SERVING_REPLICA_URLS = define("serving.replica.urls", "",
            "Base URLs of all serving replicas in replica order (http://serving-1:8080,http://serving-2:8080), one per replica of serving.replica: a request for another replica's customer is forwarded to it. "
                    + "Empty: such a request is answered 421 with the owner's number, for a router to follow.",
            NudgeConfig::urls);

    public static final Setting<String> DISPATCH_GROUP = define("dispatch.group", "nudge-dispatch",
            "Consumer group of ./nudge dispatch: its offsets are committed once a batch's actions were accepted or recorded as failed.", NudgeConfig::nonBlank);
    public static final Setting<String> DISPATCH_EMAIL = define("dispatch.email", "webhook",
            "Provider of email actions: webhook, smtp or none (recorded as failed, with that reason).", NudgeConfig::provider);
    public static final Setting<String> DISPATCH_SMS = define("dispatch.sms", "webhook",
            "Provider of SMS actions: webhook or none.", NudgeConfig::provider);
    public static final Setting<String> DISPATCH_PUSH = define("dispatch.push", "webhook",
            "Provider of push actions: webhook or none.", NudgeConfig::provider);
    public static final Setting<String> DISPATCH_WEB = define("dispatch.web", "webhook",
            "Provider of on-site (web) actions: webhook or none.", NudgeConfig::provider);
    public static final Setting<String> DISPATCH_WEBHOOK_URL = define("dispatch.webhook.url", "",
            "Where the webhook provider POSTs each action (signed JSON); required when a channel uses it.", NudgeConfig::optionalUrl);
    public static final Setting<String> DISPATCH_WEBHOOK_SECRET = defineSecret("dispatch.webhook.secret", "",
            "Shared secret of the webhook signature (Nudge-Signature, HMAC-SHA256); required when a channel uses the webhook.", text -> text);
    public static final Setting<Duration> DISPATCH_WEBHOOK_TIMEOUT = define("dispatch.webhook.timeout", "5s",
            "How long a webhook call may take before it is tried again.", NudgeConfig::positiveDuration);
    public static final Setting<String> DISPATCH_SMTP_HOST = define("dispatch.smtp.host", "",
            "SMTP server of the smtp provider; required when email uses it.", text -> text.trim());
    public static final Setting<Integer> DISPATCH_SMTP_PORT = define("dispatch.smtp.port", "587", "SMTP port.", NudgeConfig::portNumber);
    public static final Setting<Boolean> DISPATCH_SMTP_STARTTLS = define("dispatch.smtp.starttls", "true",
            "Require STARTTLS on the SMTP connection.", NudgeConfig::bool);
    public static final Setting<String> DISPATCH_SMTP_USERNAME = define("dispatch.smtp.username", "",
            "SMTP login; empty for none.", text -> text);
    public static final Setting<String> DISPATCH_SMTP_PASSWORD = defineSecret("dispatch.smtp.password", "", "SMTP password.", text -> text);
    public static final Setting<String> DISPATCH_SMTP_FROM = define("dispatch.smtp.from", "",
            "Sender address of emails; required when email uses smtp.", text -> text.trim());
    public static final Setting<String> DISPATCH_SMTP_CONTACTS = define("dispatch.smtp.contacts", "",
            "File of customerId,email lines (the ids as actions carry them): Nudge keeps no addresses; read again when it changes.", text -> text.trim());
    public static final Setting<String> DISPATCH_TEMPLATES_DIR = define("dispatch.templates.dir", "",
            "Directory of <templateId>.txt email templates (first line 'Subject: ...', {{payloadName}} placeholders); empty: the built-in ones.",
            text -> text.trim());
    public static final Setting<Integer> DISPATCH_CONCURRENCY = define("dispatch.concurrency", "8",
            "Deliveries in flight at once per provider.", text -> positiveInt(text));
    public static final Setting<Integer> DISPATCH_RATE = define("dispatch.rate", "100",
            "Deliveries started per second per provider, at most.", text -> positiveInt(text));
    public static final Setting<Integer> DISPATCH_RETRY_ATTEMPTS = define("dispatch.retry.attempts", "8",
            "Tries per action in all for retryable failures (5xx, timeouts, 429); then it goes to the failed topic.", text -> positiveInt(text));
    public static final Setting<Duration> DISPATCH_RETRY_INITIAL = define("dispatch.retry.initial", "500ms",
            "Backoff after the first failed try; doubles per try, with full jitter.", NudgeConfig::positiveDuration);
    public static final Setting<Duration> DISPATCH_RETRY_MAX = define("dispatch.retry.max", "1m",
            "Longest backoff between two tries.", NudgeConfig::positiveDuration);
    public static final Setting<Integer> DISPATCH_HTTP_PORT = define("dispatch.http.port", "8081",
            "Port of the dispatcher's /health and /metrics (Prometheus).", text -> portNumber(text));

    private final Map<String, String> values;
    /** Every setting's value, parsed once: a bad value fails when the configuration is made, not when first read. */
    private final Map<Setting<?>, Object> parsed = new java.util.HashMap<>();

    private NudgeConfig(Map<String, String> values) {
        this.values = values;
        for (Setting<?> setting : SETTINGS.values()) {
            parsed.put(setting, setting.parse(values.getOrDefault(setting.key(), setting.defaultValue())));
        }
        checkTogether();
    }

    /** The rules that join settings, checked when a configuration is made; each failure names every setting it joins. */
    private void checkTogether() {
        require(get(TRENDING_WINDOW).toMillis() % get(TRENDING_SLIDE).toMillis() == 0,
                "the trending window must be a whole number of slides", TRENDING_WINDOW, TRENDING_SLIDE);
        require(get(LIFECYCLE_AT_RISK_AFTER).compareTo(get(LIFECYCLE_LAPSED_AFTER)) < 0,
                "a customer is at risk before they lapse", LIFECYCLE_AT_RISK_AFTER, LIFECYCLE_LAPSED_AFTER);
        require(get(SERVING_REPLICA_URLS).isEmpty() || get(SERVING_REPLICA_URLS).size() == get(SERVING_REPLICA).replicas(),
                "serving.replica.urls lists one URL per replica", SERVING_REPLICA_URLS, SERVING_REPLICA);
    }

    private void require(boolean holds, String rule, Setting<?>... joined) {
        if (!holds) {
            StringBuilder settings = new StringBuilder();
            for (Setting<?> setting : joined) {
                settings.append(settings.length() == 0 ? "" : ", ").append('\'').append(setting.key()).append("' = ")
                        .append(setting.shown(values.getOrDefault(setting.key(), setting.defaultValue())));
            }
            throw new ConfigException("Settings " + settings + " do not go together: " + rule);
        }
    }

    public static NudgeConfig defaults() {
        return new NudgeConfig(Map.of());
    }

    /**
     * Defaults overridden by {@code overrides}. Every key must be a known setting and every value must parse,
     * so a typo fails at start-up rather than when the setting is first read.
     */
    public static NudgeConfig of(Map<String, String> overrides) {
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            Setting<?> setting = SETTINGS.get(entry.getKey());
            if (setting == null) {
                throw new ConfigException("Unknown setting '" + entry.getKey() + "'; known settings: " + SETTINGS.keySet());
            }
            setting.parse(entry.getValue());
        }
        return new NudgeConfig(Map.copyOf(overrides));
    }

    /** Defaults, then the file (if any), then {@code NUDGE_*} variables from {@code environment}, then overrides. */
    public static NudgeConfig load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
            }
            properties.stringPropertyNames().forEach(key -> merged.put(key, properties.getProperty(key)));
        }
        for (String key : SETTINGS.keySet()) {
            String fromEnv = environment.get(environmentName(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv);
            }
        }
        merged.putAll(overrides);
        return of(merged);
    }

    @SuppressWarnings("unchecked") // each value was parsed by its own setting
    public <T> T get(Setting<T> setting) {
        return (T) parsed.get(setting);
    }

    /**
     * A copy with one setting changed. The copy is checked whole, rules between settings included: settings a rule
     * joins (the trending window and slide) are changed together with {@link #with(Map)}.
     */
    public NudgeConfig with(Setting<?> setting, Object value) {
        return with(Map.of(setting, value));
    }

    /** A copy with several settings changed at once, checked once they all are. */
    public NudgeConfig with(Map<Setting<?>, ?> changes) {
        Map<String, String> changed = new LinkedHashMap<>(values);
        changes.forEach((setting, value) -> changed.put(setting.key(), String.valueOf(value)));
        return of(changed);
    }

    public static List<Setting<?>> settings() {
        return List.copyOf(SETTINGS.values());
    }

    public static String environmentName(String key) {
        return "NUDGE_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public Map<String, String> overrides() {
        return Collections.unmodifiableMap(values);
    }

    /** The overrides that may travel in the open, e.g. as a Flink job's program arguments (shown in its web UI). */
    public Map<String, String> overridesWithoutSecrets() {
        Map<String, String> open = new LinkedHashMap<>(values);
        open.keySet().removeIf(key -> SETTINGS.get(key).secret());
        return Collections.unmodifiableMap(open);
    }

    private static <T> Setting<T> define(String key, String defaultValue, String doc, java.util.function.Function<String, T> parser) {
        return define(key, defaultValue, doc, parser, false);
    }

    /** A setting holding keys or other secrets: never shown in listings or error messages. */
    private static <T> Setting<T> defineSecret(String key, String defaultValue, String doc, java.util.function.Function<String, T> parser) {
        return define(key, defaultValue, doc, parser, true);
    }

    private static <T> Setting<T> define(String key, String defaultValue, String doc, java.util.function.Function<String, T> parser,
                                         boolean secret) {
        Setting<T> setting = new Setting<>(key, defaultValue, doc, parser, secret);
        SETTINGS.put(key, setting);
        return setting;
    }

    /** {@code name=value} pairs separated by commas, names unique; empty text is no pairs. */
    private static Map<String, String> sitePairs(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0 || equals == entry.length() - 1) {
                throw new IllegalArgumentException("'" + entry.strip() + "' is not a site=value pair");
            }
            String site = entry.substring(0, equals).strip();
            if (pairs.put(site, entry.substring(equals + 1).strip()) != null) {
                throw new IllegalArgumentException("site '" + site + "' is given twice");
            }
        }
        return Collections.unmodifiableMap(pairs);
    }

    private static String nonBlank(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return text;
    }

    private static String provider(String text) {
        String name = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("webhook", "smtp", "none").contains(name)) {
            throw new IllegalArgumentException("must be webhook, smtp or none");
        }
        return name;
    }

    private static String optionalUrl(String text) {
        String url = text.trim();
        if (!url.isEmpty() && !url.matches("https?://\\S+")) {
            throw new IllegalArgumentException("'" + url + "' must be an http(s) URL");
        }
        return url;
    }

    private static List<String> urls(String text) {
        List<String> urls = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            String url = part.strip();
            if (url.isEmpty()) {
                continue;
            }
            if (!url.matches("https?://[^/\\s]+")) {
                throw new IllegalArgumentException("'" + url + "' must be a base URL like http://host:8080 (no path)");
            }
            urls.add(url);
        }
        return List.copyOf(urls);
    }

    private static int positiveInt(String text) {
        int value = integer(text);
        if (value <= 0) {
            throw new IllegalArgumentException("must be at least 1");
        }
        return value;
    }


    private static java.time.ZoneId zone(String text) {
        try {
            return java.time.ZoneId.of(text.strip());
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("not a time zone id such as UTC or Europe/Berlin");
        }
    }

    private static double nonNegativeNumber(String text) {
        double value = number(text);
        if (value < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
        return value;
    }

    private static double positiveNumber(String text) {
        double value = number(text);
        if (value <= 0) {
            throw new IllegalArgumentException("must be above zero");
        }
        return value;
    }

    private static double fraction(String text) {
        double value = number(text);
        if (value < 0 || value > 1) {
            throw new IllegalArgumentException("must be between 0 and 1");
        }
        return value;
    }

    private static double number(String text) {
        try {
            double value = Double.parseDouble(text);
            if (!Double.isFinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    private static int portNumber(String text) {
        int value = integer(text);
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException("must be a port number 0..65535 (0 picks a free port)");
        }
        return value;
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** Writes {@code duration} the way {@link #duration} reads it, in the largest whole unit (days from two days up): 24h, 30m, 7d. */
    public static String durationText(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000 == 0 && millis >= 2 * 86_400_000L) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** Parses durations written as {@code 250ms}, {@code 10s}, {@code 5m}, {@code 2h} or {@code 7d}. */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration; write e.g. 250ms, 10s, 5m, 2h or 7d");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    private static Duration nonNegativeDuration(String text) {
        return duration(text);
    }

    private static Duration positiveDuration(String text) {
        Duration value = duration(text);
        if (value.isZero()) {
            throw new IllegalArgumentException("must be longer than zero");
        }
        return value;
    }
}
