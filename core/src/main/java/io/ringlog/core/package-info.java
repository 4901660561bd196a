/**
 * The ringlog engine: a Disruptor input ring that sequences commands from any thread, a journal
 * stage and an optional replicator stage that make each command durable, one business-logic thread
 * that applies commands to a {@link io.ringlog.core.StateMachine} in position order, and an output
 * ring from which each {@link io.ringlog.core.OutputListener} consumes events on its own thread.
 *
 * <pre>
 *  producers ──► [input ring] ──► journal    ──┐
 *                 position n  ──► replicator ──┴──► logic (StateMachine) ──► [output ring] ──► listeners
 * </pre>
 *
 * Stages are interfaces ({@link io.ringlog.core.Journal}, {@link io.ringlog.core.SnapshotStore},
 * {@link io.ringlog.core.Replicator}); this package ships in-memory implementations, the
 * {@code journal} module ships the durable ones.
 */
package io.ringlog.core;
