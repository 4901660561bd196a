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
 * This package is the API: {@link io.ringlog.core.Engine} and its {@link io.ringlog.core.EngineContext};
 * what a service writes ({@link io.ringlog.core.StateMachine}, {@link io.ringlog.core.OutputListener})
 * and how it feeds the engine ({@code publish}, {@link io.ringlog.core.CommandBatch},
 * {@link io.ringlog.core.FollowerIntake}); the stage interfaces ({@link io.ringlog.core.Journal},
 * {@link io.ringlog.core.SnapshotStore}, {@link io.ringlog.core.Replicator}) with in-memory
 * implementations (the {@code journal} module ships the durable ones); metrics, errors and reasons.
 * The pipeline itself, a class per job, is in {@link io.ringlog.core.engine}.
 */
package io.ringlog.core;
