/**
 * The benchmark suite: one command ({@code scripts/bench}, or {@code scripts/bench suite [--quick]
 * [--out DIR]}) that runs, back to back, the bare Disruptor (the ceiling), the ringlog pipeline in
 * memory and journaled, the {@link java.util.concurrent.ArrayBlockingQueue} pipeline, the exchange end
 * to end, exchange-core as a peer on the identical command stream (its own JVM), and fixed-rate latency
 * of both exchanges with the journal on, and none / asynchronous / synchronous replication side by side
 * (ReplicationBench, its own JVM); then writes {@code results.json}, {@code results.md} and a
 * latency chart per rate, with the ratios computed from that run's own figures.
 * <pre>
 *  WorkloadFiles ──► stream.bin (ExchangeBenchmark, LatencyHarness)  ──┐ compared command by command
 *                └─► commands.txt (the peer, as scripts/exchange generate writes it) ◄──┘
 *  JmhRows ──Runner, in forks──► throughput rows ──┐
 *  ChildProcess ──► bench/peers/peer, LatencyHarness ──► peer row, latency rows ──┤
 *               └─► ReplicationBench ──► replication modes ─────────────────────┴──► SuiteReport ──► results.*
 * </pre>
 */
package io.ringlog.bench.suite;
