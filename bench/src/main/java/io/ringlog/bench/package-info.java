/**
 * What the pipeline costs: JMH throughput benchmarks of the engine in each topology, with an
 * in-memory or a Chronicle journal and at each durability level; a baseline built from
 * {@link java.util.concurrent.ArrayBlockingQueue}s in the same shape; the exchange's order book on
 * its own and the exchange end to end; recovery time by full replay against snapshot + tail
 * ({@link io.ringlog.bench.RecoveryBench}); and a fixed-rate latency harness that corrects for
 * coordinated omission. Nothing here is used by the library; every benchmark fork gets the host
 * JVM's flags (see {@link io.ringlog.bench.RinglogFork}), and files a benchmark writes live in a
 * {@link io.ringlog.bench.BenchDirectory} deleted after its trial.
 */
package io.ringlog.bench;
