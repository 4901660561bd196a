/**
 * Kafka at the edges of a ringlog engine, exactly once at both ends, with nothing but the engine's
 * own guarantees and Kafka's transactions.
 * <pre>
 *  commands topic ──► KafkaSource ──► Engine (journal, logic) ──► KafkaSink ──► events topic
 *   partition p,       source id = p,   dedup table = offsets      transactions,     headers: position,
 *   offset o           sequence = o     applied, per partition     resume from the   index, correlation,
 *        │                                                         topic's end +     type
 *        └─ not a command ──► dead-letter topic (reason header)    journal replay
 *
 *  events topic ──► KafkaEventReader ──► any OutputListener (read models in another process)
 * </pre>
 * In: {@link io.ringlog.kafka.KafkaSource} publishes records with source id = topic-partition
 * ({@link io.ringlog.kafka.SourceIds}) and source sequence = offset, so the engine's dedup table is the
 * offset store, journaled with the commands it describes; on start it seeks to what recovery left.
 * Out: {@link io.ringlog.kafka.KafkaSink} produces events in transactions and, on start, regenerates
 * from the journal whatever the topic lacks. Headers are listed in {@link io.ringlog.kafka.KafkaHeaders}.
 * This module depends on ringlog-core and kafka-clients only.
 */
package io.ringlog.kafka;
