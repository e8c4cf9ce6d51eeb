package io.nudge.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * Whether an operator's keyed state may still hold values in the layout of an earlier release, which it then
 * reads (and moves) when it meets them. A marker in union operator state says so, so that every subtask knows
 * after rescaling: a job started afresh has only the current layout; one restored from a release without the
 * marker, or from a job that was, may have both for as long as it runs, since values move one key at a time.
 */
public final class StateLayout {
    private static final int CURRENT_ONLY = 2;
    private static final int EARLIER_TOO = 1;

    private StateLayout() {}

    /** Call from {@code initializeState}; {@code name} names the operator's marker. */
    public static boolean mayHoldEarlierLayout(FunctionInitializationContext context, String name) throws Exception {
        ListState<Integer> marker = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(name + "-state-layout", Types.INT));
        boolean currentOnly = !context.isRestored();
        if (context.isRestored()) {
            List<Integer> restored = new ArrayList<>();
            marker.get().forEach(restored::add);
            currentOnly = !restored.isEmpty() && !restored.contains(EARLIER_TOO);
        }
        marker.update(List.of(currentOnly ? CURRENT_ONLY : EARLIER_TOO));
        return !currentOnly;
    }
}
