package io.nudge.triggers;

import java.io.Serializable;
import java.time.Duration;

/** When a rule fires. Every duration is event time. */
public sealed interface Condition extends Serializable {

    /** Any matching event. */
    record OnEvent(EventMatch event) implements Condition {}

    /** {@code first}, then {@code then} within {@code within} of it. */
    record Sequence(EventMatch first, EventMatch then, Duration within) implements Condition {}

    /**
     * {@code first} and no {@code absent} within {@code within} (abandonment). Every new {@code first} restarts
     * the wait, so a cart that keeps changing is abandoned only once it stops.
     */
    record Absence(EventMatch first, EventMatch absent, Duration within) implements Condition {}

    /**
     * At least {@code atLeast} matching events within a sliding {@code within}, or when {@code sumOf} is set,
     * their {@code sumOf} field adding up to at least {@code atLeast}.
     */
    record Count(EventMatch event, double atLeast, String sumOf, Duration within) implements Condition {}

    /** No event at all for {@code noVisitFor} after the customer's last one (win-back). */
    record Inactivity(Duration noVisitFor) implements Condition {}

    /**
     * An item the customer viewed (or, with {@code cartedOnly}, put in the cart) within {@code within} before the
     * change now costs at least {@code atLeastPercent} less than the price they saw. Once per interest: a further
     * drop fires again only after the customer looks at the item again.
     */
    record PriceDrop(double atLeastPercent, boolean cartedOnly, Duration within) implements Condition {}

    /**
     * An item the customer viewed (or carted) within {@code within} before the change is back in stock after being
     * sold out or withdrawn. Once per interest, like {@link PriceDrop}.
     */
    record BackInStock(boolean cartedOnly, Duration within) implements Condition {}

    /**
     * The customer's next purchase was due by their own rhythm ({@code PurchaseRhythm}: the median gap after their last
     * purchase) {@code after} ago, and they have not bought since: once per last purchase.
     */
    record PurchaseDue(Duration after) implements Condition {}

    /**
     * The risk that the customer buys nothing within {@code horizon} reached {@code atLeast} ({@code PurchaseRhythm}):
     * once per silence; a purchase starts the watch again.
     */
    record ChurnRisk(double atLeast, Duration horizon) implements Condition {}
}
