/**
 * The stock exchange on Kafka, scaled out by partition.
 * <pre>
 *  command file ──► feed (CommandRouter) ──► commands topic ─┬─ partition 0 ──► engine A ──► events topic A ─┐
 *                    by symbol; deposits                     └─ partition 1 ──► engine B ──► events topic B ─┴─► read models
 *                    and withdrawals to every partition                          (own journal each)            (KafkaEventReader)
 * </pre>
 * {@link io.ringlog.exchange.kafka.ExchangeKafkaEngine} wires one engine to its partitions and its own
 * events topic; {@link io.ringlog.exchange.kafka.CommandRouter} says which partition a command goes to
 * (and why deposits go to all of them); {@link io.ringlog.exchange.kafka.ExchangeRecords} is the only
 * class here that reads the exchange's binary layouts. The command line is in
 * {@link io.ringlog.exchange.kafka.cli}.
 */
package io.ringlog.exchange.kafka;
