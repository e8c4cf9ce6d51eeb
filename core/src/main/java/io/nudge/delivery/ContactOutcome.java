package io.nudge.delivery;

import io.nudge.schemas.Channel;
import io.nudge.schemas.ContactStatus;
import io.nudge.schemas.FailedOutreach;
import io.nudge.schemas.OutreachFeedback;
import java.io.Serializable;

/**
 * What became of a message after the job decided it, as it reaches the customer's profile: the dispatcher could not
 * deliver it ({@code outreach-failed}), or the provider reported on it ({@code outreach-feedback}).
 *
 * @param at epoch millis of the report
 */
public record ContactOutcome(String customerId, String actionId, String ruleId, Channel channel, ContactStatus status, String reason, long at)
        implements Serializable {

    public static ContactOutcome of(FailedOutreach failed) {
        return new ContactOutcome(failed.getAction().getCustomerId(), failed.getAction().getActionId(), failed.getAction().getRuleId(),
                failed.getAction().getChannel(), ContactStatus.FAILED, failed.getReason(), failed.getFailedAt().toEpochMilli());
    }

    public static ContactOutcome of(OutreachFeedback feedback) {
        ContactStatus status = switch (feedback.getKind()) {
            case DELIVERED -> ContactStatus.DELIVERED;
            case BOUNCED -> ContactStatus.BOUNCED;
            case COMPLAINED -> ContactStatus.COMPLAINED;
            case UNSUBSCRIBED -> ContactStatus.UNSUBSCRIBED;
            case OPENED -> ContactStatus.OPENED;
            case CLICKED -> ContactStatus.CLICKED;
            default -> ContactStatus.UNKNOWN;
        };
        String reason = feedback.getKind().name().toLowerCase(java.util.Locale.ROOT) + " (" + feedback.getProvider() + ")"
                + (feedback.getHardBounce() ? ", hard bounce" : "");
        return new ContactOutcome(feedback.getCustomerId(), feedback.getActionId(), feedback.getRuleId(), feedback.getChannel(), status, reason,
                feedback.getAt().toEpochMilli());
    }
}
