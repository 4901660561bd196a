/**
 * Seeded, reproducible order flow for the exchange: {@link io.ringlog.exchange.workload.WorkloadGenerator}
 * with presets in {@link io.ringlog.exchange.workload.WorkloadConfig} (the exchange-core benchmark shape,
 * and many symbols with skewed popularity). Output goes to any sink: straight into an engine, into a
 * binary buffer for benchmarks, or to a text file with {@link io.ringlog.exchange.text.CommandTextWriter}.
 */
package io.ringlog.exchange.workload;
