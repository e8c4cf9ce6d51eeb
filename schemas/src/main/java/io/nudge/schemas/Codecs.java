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
    public static final SingleObjectCodec<Item> ITEMS = SingleObjectCodec.forType(Item.class);
    public static final SingleObjectCodec<FailedOutreach> FAILED_OUTREACH = SingleObjectCodec.forType(FailedOutreach.class);
    public static final SingleObjectCodec<OutreachFeedback> FEEDBACK = SingleObjectCodec.forType(OutreachFeedback.class);
    public static final SingleObjectCodec<SegmentDefinition> SEGMENTS = SingleObjectCodec.forType(SegmentDefinition.class);
    public static final SingleObjectCodec<SegmentMembership> SEGMENT_CHANGES = SingleObjectCodec.forType(SegmentMembership.class);
    public static final SingleObjectCodec<ExperimentDefinition> EXPERIMENTS = SingleObjectCodec.forType(ExperimentDefinition.class);
    public static final SingleObjectCodec<ExperimentOutcome> EXPERIMENT_OUTCOMES = SingleObjectCodec.forType(ExperimentOutcome.class);
    /** Not on Kafka: the job's keyed state, encoded the same way so that it evolves by the same rules. */
    public static final SingleObjectCodec<TriggerState> TRIGGER_STATE = SingleObjectCodec.forType(TriggerState.class);

    private static final java.util.Map<Class<?>, SingleObjectCodec<?>> BY_TYPE = java.util.Map.ofEntries(
            java.util.Map.entry(InteractionEvent.class, EVENTS), java.util.Map.entry(CustomerProfile.class, PROFILES),
            java.util.Map.entry(Offer.class, OFFERS), java.util.Map.entry(ItemAssociations.class, ASSOCIATIONS),
            java.util.Map.entry(Trending.class, TRENDING), java.util.Map.entry(TriggerRule.class, RULES),
            java.util.Map.entry(OutreachAction.class, OUTREACH), java.util.Map.entry(DeadLetter.class, DEAD_LETTERS),
            java.util.Map.entry(AuditRecord.class, AUDIT), java.util.Map.entry(TriggerState.class, TRIGGER_STATE),
            java.util.Map.entry(Item.class, ITEMS), java.util.Map.entry(FailedOutreach.class, FAILED_OUTREACH),
            java.util.Map.entry(OutreachFeedback.class, FEEDBACK), java.util.Map.entry(SegmentDefinition.class, SEGMENTS),
            java.util.Map.entry(SegmentMembership.class, SEGMENT_CHANGES), java.util.Map.entry(ExperimentDefinition.class, EXPERIMENTS),
            java.util.Map.entry(ExperimentOutcome.class, EXPERIMENT_OUTCOMES));

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
