/**
 * The stock exchange as a primary/standby pair of processes: {@code replica node} runs one node
 * ({@link io.ringlog.exchange.replication.ExchangeNode}) on a directory of its own; {@code publish},
 * {@code promote} and {@code stop} talk to a running node through request files in that directory
 * ({@link io.ringlog.exchange.replication.Mailbox}); {@code status} reads the node's replication
 * status page, also after the node died. The replication itself is {@code io.ringlog.journal.replication}.
 * <pre>
 *   replica publish -d a ──► a/inbox ──► node a (primary) ══ UDP ══► node b (standby)
 *   replica status  -d a ◄── a/replication/replication.status
 *   replica promote -d b ──► b/control ──► node b: primary, epoch + 1 ──► node a fenced (exit 3)
 * </pre>
 */
package io.ringlog.exchange.replication;
