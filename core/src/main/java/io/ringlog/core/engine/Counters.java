package io.ringlog.core.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the stages count, each written by one thread ({@code lazySet}) and read by metrics from any.
 * Metrics read these and the stage sequences, never the engine itself.
 */
public final class Counters
{
    /** Commands business logic finished, rejected ones and replayed ones included. */
    public final AtomicLong applied = new AtomicLong();
    /** Rejections the engine emitted itself. */
    public final AtomicLong rejected = new AtomicLong();
    /** Commands the state machine rejected (Output.reject), of those it applied whole. */
    public final AtomicLong rejectedByStateMachine = new AtomicLong();
    public final AtomicLong duplicates = new AtomicLong();
    /** Commands during which the state machine threw. */
    public final AtomicLong failed = new AtomicLong();
    public final AtomicLong snapshots = new AtomicLong();
    public final AtomicLong lastAppliedPosition = new AtomicLong();
    public final AtomicLong listenerErrors = new AtomicLong();
    /**
     * Ring slots published void, never a caller's command: claims a close refused or a failed publish gave up,
     * and a batch's unfilled slots. Written by publishers (an atomic add: these are rare).
     */
    public final AtomicLong voided = new AtomicLong();

    /** Adds one to a counter only its own thread writes: no atomic read-modify-write. */
    static void increment(final AtomicLong counter)
    {
        counter.lazySet(counter.get() + 1);
    }
}
