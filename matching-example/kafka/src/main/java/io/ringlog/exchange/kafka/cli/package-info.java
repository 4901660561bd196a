/**
 * {@code exchange kafka ...}, the command line behind {@code scripts/exchange kafka}: a local broker
 * ({@link io.ringlog.exchange.kafka.cli.LocalBroker}), topics, feeding a command file, engines on
 * partitions, the events topics as text, books and balances read from them, and the benchmark. Every
 * subcommand prints {@code key: value} lines on stdout and diagnostics on stderr; exit 0 done, 1
 * failed, 2 bad usage (the rules of {@link io.ringlog.journal.tool.CliSupport}).
 * <pre>
 *  broker ── topics ── feed ──► [commands topic] ──► engine -p 0 ──► [events p0] ──┬─► tail
 *                                                └──► engine -p 1 ──► [events p1] ──┴─► book, balances
 * </pre>
 */
package io.ringlog.exchange.kafka.cli;
