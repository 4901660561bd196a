/**
 * What the pipeline costs: JMH throughput benchmarks of the engine in each topology, a baseline
 * built from {@link java.util.concurrent.ArrayBlockingQueue}s in the same shape, and a fixed-rate
 * latency harness that corrects for coordinated omission. Nothing here is used by the library;
 * every benchmark fork gets the JVM flags of {@link io.ringlog.bench.RinglogFork}.
 */
package io.ringlog.bench;
