/**
 * The pipeline inside an {@link io.ringlog.core.Engine}, a class per job, in the order a command
 * meets them. The engine wires them; none holds the engine.
 * <pre>
 *  {@link io.ringlog.core.engine.Intake}          positions and timestamps; publish, batches, the follower intake
 *     │  input ring (Disruptor, multi-producer)
 *  {@link io.ringlog.core.engine.InputStage}      journal, replicate, apply: one handler, per topology
 *     │                                 (PIPELINED: three threads; COMPACT: one)
 *  {@link io.ringlog.core.engine.BusinessLogic}   dedup, system commands, error policy, snapshots, the state machine
 *     │
 *  {@link io.ringlog.core.engine.RingOutput}      events of whole commands, published as ranges
 *     │  output ring (single producer)
 *  {@link io.ringlog.core.engine.ListenerStage}   one per listener, on its own thread
 *
 *  {@link io.ringlog.core.engine.Recovery}        snapshot + journal tail, on the logic thread, before intake opens
 *  {@link io.ringlog.core.engine.StageThreads}    start and stop; the engine's close() drains first
 *  {@link io.ringlog.core.engine.EngineStatus}, {@link io.ringlog.core.engine.Counters}   what the stages share
 *  {@link io.ringlog.core.engine.ParkingWaitStrategy}   how idle stages wait (the default)
 *  {@link io.ringlog.core.engine.AcknowledgementGate}   a synchronous replicator's acknowledgements, which logic waits for
 * </pre>
 * These classes are public so the engine in {@code io.ringlog.core} can wire them; they are not API
 * and may change between versions.
 */
package io.ringlog.core.engine;
