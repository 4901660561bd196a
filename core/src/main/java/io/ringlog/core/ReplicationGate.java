package io.ringlog.core;

/**
 * What an engine hands its {@link Replicator} at launch: where the replicator says, from any thread,
 * how far business logic may go. A synchronous replicator that {@link Replicator#acknowledgesThroughGate()
 * acknowledges through the gate} calls {@link #acknowledged} as its standby's acknowledgements arrive,
 * so its own stage keeps shipping while earlier batches are still in flight: one round trip then holds
 * visibility, never the pipeline. Any replicator may {@link #halt} the engine.
 */
public interface ReplicationGate
{
    /**
     * Business logic may apply commands up to and including {@code position}. Positions at or below
     * one already acknowledged, and positions from before this launch, are ignored.
     */
    void acknowledged(long position);

    /**
     * Halts the engine: the replicator lost the right to make commands visible (a newer epoch fenced
     * it, say). Nothing after the commands already applied becomes visible.
     */
    void halt(Throwable cause);
}
