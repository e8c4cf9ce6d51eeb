package io.nudge.schemas;

/** One shared codec per record type that Nudge puts on Kafka or keeps in the job's state as bytes. */
public final class Codecs {
    public static final SingleObjectCodec<InteractionEvent> EVENTS = SingleObjectCodec.forType(InteractionEvent.class);
    public static final SingleObjectCodec<CustomerProfile> PROFILES = SingleObjectCodec.forType(CustomerProfile.class, new CustomerProfileCoder());
    public static final SingleObjectCodec<Offer> OFFERS = SingleObjectCodec.forType(Offer.class);
    public static final SingleObjectCodec<ItemAssociations> ASSOCIATIONS = SingleObjectCodec.forType(ItemAssociations.class);
    public static final SingleObjectCodec<Trending> TRENDING = SingleObjectCodec.forType(Trending.class);
    public static final SingleObjectCodec<TriggerRule> RULES = SingleObjectCodec.forType(TriggerRule.class);
    public static final SingleObjectCodec<OutreachAction> OUTREACH = SingleObjectCodec.forType(OutreachAction.class);
    public static final SingleObjectCodec<DeadLetter> DEAD_LETTERS = SingleObjectCodec.forType(DeadLetter.class);
    public static final SingleObjectCodec<AuditRecord> AUDIT = SingleObjectCodec.forType(AuditRecord.class);
    /** Not on Kafka: the job's keyed state, encoded the same way so that it evolves by the same rules. */
    public static final SingleObjectCodec<TriggerState> TRIGGER_STATE = SingleObjectCodec.forType(TriggerState.class);

    private Codecs() {}
}
