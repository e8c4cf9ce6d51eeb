package io.nudge.triggers;

import io.nudge.config.Cap;
import io.nudge.config.NudgeConfig;
import io.nudge.config.QuietHours;
import io.nudge.schemas.Channel;
import io.nudge.schemas.Contact;
import io.nudge.schemas.CustomerProfile;
import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether a message may go out now: consent for its channel, frequency caps per channel and across
 * channels, and quiet hours in the customer's time zone (deferred to the next allowed time, never dropped).
 * On-site (web) messages need no consent and ignore quiet hours: the customer is on the site.
 */
public final class DeliveryPolicy implements Serializable {

    /** The verdict: send, suppress with a reason, or defer to {@code sendAt}. */
    public record Decision(Verdict verdict, String reason, Instant sendAt) {}

    public enum Verdict { SEND, SUPPRESS, DEFER }

    static final Set<Channel> MESSAGES = Set.of(Channel.EMAIL, Channel.SMS, Channel.PUSH);

    private final Map<Channel, Cap> perChannel;
    private final Cap messages;
    private final QuietHours quietHours;
    private final ZoneId defaultZone;
    private final int contactsMax;

    /** @param contactsMax how many messages a profile's contact history keeps */
    public DeliveryPolicy(Map<Channel, Cap> perChannel, Cap messages, QuietHours quietHours, ZoneId defaultZone, int contactsMax) {
        this.perChannel = new EnumMap<>(perChannel);
        this.messages = messages;
        this.quietHours = quietHours;
        this.defaultZone = defaultZone;
        this.contactsMax = contactsMax;
    }

    public static DeliveryPolicy from(NudgeConfig config) {
        Map<Channel, Cap> caps = new EnumMap<>(Channel.class);
        caps.put(Channel.EMAIL, config.get(NudgeConfig.OUTREACH_CAP_EMAIL));
        caps.put(Channel.SMS, config.get(NudgeConfig.OUTREACH_CAP_SMS));
        caps.put(Channel.PUSH, config.get(NudgeConfig.OUTREACH_CAP_PUSH));
        caps.put(Channel.WEB, config.get(NudgeConfig.OUTREACH_CAP_WEB));
        return new DeliveryPolicy(caps, config.get(NudgeConfig.OUTREACH_CAP_MESSAGES),
                config.get(NudgeConfig.OUTREACH_QUIET_HOURS), config.get(NudgeConfig.OUTREACH_TIME_ZONE), config.get(NudgeConfig.OUTREACH_CONTACTS_MAX));
    }

    public int contactsMax() {
        return contactsMax;
    }

    /** How long contacts must be remembered for the caps to work. */
    public Duration longestCap() {
        Duration longest = messages.per();
        for (Cap cap : perChannel.values()) {
            longest = cap.per().compareTo(longest) > 0 ? cap.per() : longest;
        }
        return longest;
    }

    /**
     * @param allowQuietHours true when releasing a deferred action at its sendAt (quiet hours already waited for)
     */
    public Decision decide(Channel channel, CustomerProfile profile, List<Contact> contacts, long at, boolean allowQuietHours) {
        if (channel != Channel.WEB && !Boolean.TRUE.equals(profile.getConsent().get(channel.name().toLowerCase(Locale.ROOT)))) {
            return new Decision(Verdict.SUPPRESS, "no consent for " + channel.name().toLowerCase(Locale.ROOT), null);
        }
        Cap cap = perChannel.get(channel);
        if (cap != null && !allows(cap, contacts, Set.of(channel), at)) {
            return new Decision(Verdict.SUPPRESS, "frequency cap: at most " + cap.max() + " " + channel.name().toLowerCase(Locale.ROOT)
                    + " per " + NudgeConfig.durationText(cap.per()), null);
        }
        if (MESSAGES.contains(channel) && !allows(messages, contacts, MESSAGES, at)) {
            return new Decision(Verdict.SUPPRESS, "frequency cap: at most " + messages.max() + " messages per " + NudgeConfig.durationText(messages.per()), null);
        }
        if (!allowQuietHours && MESSAGES.contains(channel) && !quietHours.equals(QuietHours.NONE)) {
            ZonedDateTime local = Instant.ofEpochMilli(at).atZone(zoneOf(profile));
            if (quietHours.contains(local.toLocalTime())) {
                ZonedDateTime next = local.toLocalTime().isBefore(quietHours.end())
                        ? local.with(quietHours.end()) : local.plusDays(1).with(quietHours.end());
                return new Decision(Verdict.DEFER, "quiet hours " + quietHours.start() + "-" + quietHours.end() + " in " + local.getZone(),
                        next.toInstant());
            }
        }
        return new Decision(Verdict.SEND, null, null);
    }

    private ZoneId zoneOf(CustomerProfile profile) {
        if (profile.getTimeZone() != null) {
            try {
                return ZoneId.of(profile.getTimeZone());
            } catch (DateTimeException e) {
                // fall back below
            }
        }
        return defaultZone;
    }

    /** Whether {@code cap} leaves room for one more contact on {@code channels} at {@code at}. */
    private static boolean allows(Cap cap, List<Contact> contacts, Set<Channel> channels, long at) {
        long since = at - cap.per().toMillis();
        return contacts.stream().filter(c -> channels.contains(c.getChannel()) && c.getAt() > since && c.getAt() <= at).count() < cap.max();
    }
}
