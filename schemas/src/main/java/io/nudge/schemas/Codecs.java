package io.nudge.schemas;

/** One shared codec per record type that Nudge puts on Kafka or keeps in the job's state as bytes. */
public final class Codecs {
    public static final SingleObjectCodec<InteractionEvent> EVENTS = SingleObjectCodec.forType(InteractionEvent.class, new InteractionEventCoder());
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

    private static final java.util.Map<Class<?>, SingleObjectCodec<?>> BY_TYPE = java.util.Map.of(
            InteractionEvent.class, EVENTS, CustomerProfile.class, PROFILES, Offer.class, OFFERS, ItemAssociations.class, ASSOCIATIONS,
            Trending.class, TRENDING, TriggerRule.class, RULES, OutreachAction.class, OUTREACH, DeadLetter.class, DEAD_LETTERS,
            AuditRecord.class, AUDIT, TriggerState.class, TRIGGER_STATE);

    private Codecs() {}

    /** The codec of {@code type}, one of the records above. */
    @SuppressWarnings("unchecked")
    public static <T extends org.apache.avro.specific.SpecificRecord> SingleObjectCodec<T> of(Class<T> type) {
        SingleObjectCodec<T> codec = (SingleObjectCodec<T>) BY_TYPE.get(type);
        if (codec == null) {
            throw new IllegalArgumentException("no codec for " + type.getName());
        }
        return codec;
    }
}
