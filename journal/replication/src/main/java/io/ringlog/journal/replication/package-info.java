/**
 * Replication of a ringlog engine to a hot standby over Aeron: the one package that imports Aeron,
 * in a module of its own ({@code ringlog-replication}), so services that do not replicate never have
 * it on their classpath.
 * <pre>
 *  {@link io.ringlog.journal.replication.ReplicationNode}     a node: engine + replicator stage + agent; launch, promote, close
 *  {@link io.ringlog.journal.replication.ReplicationContext}  its settings: endpoints, mode, heartbeats, standby-loss policy
 *  AeronReplicator     the replicator stage: ships live entries on the log stream, never waits for acks
 *  ReplicationAgent    the agent thread: control stream, heartbeats, peer liveness, status, promotion
 *    PrimaryDuty       requests, catch-up from the journal, acknowledgements into the engine's gate
 *    StandbyDuty       entries in position order into the follower intake, acknowledgements, asking again
 *  Messages            the wire format; Channels: the embedded media driver and the streams
 *  EpochIndex          where each epoch began, indexing the EPOCH commands in the journal
 *  StatusFile          the figures, in a mapped page any process can read ({@link io.ringlog.journal.replication.ReplicationStatus})
 *  {@link io.ringlog.journal.replication.Rejoin}              cuts off a stale primary's tail, saying what it drops
 * </pre>
 * A session, from a standby's point of view:
 * <pre>
 *   standby                                   primary
 *     REQUEST(epoch, session s, from f, crc f-1) ──►   checks f-1 is in its history
 *     ◄── catch-up stream: entries f, f+1 ... read back from the journal
 *     ◄── log stream: live entries from L on (the stage goes live once catch-up is near)
 *     ◄── CATCH_UP_DONE(L-1)
 *     ACK(committed) per batch ──►               acks ─► gate ─► business logic (synchronous)
 *     HEARTBEAT ◄──────────────────────────────► HEARTBEAT (either silent for the peer timeout: lost)
 *   refused for another history in the epoch (two primaries), halving towards the last shared position:
 *     PROBE(p, crc of its entry p) ──►          ◄── PROBE_ANSWER(p, same or not)
 * </pre>
 */
package io.ringlog.journal.replication;
