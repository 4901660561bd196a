/**
 * Durable stages for the engine on local disk: {@link io.ringlog.journal.ChronicleJournal}, the
 * journal on Chronicle Queue (the only package that imports Chronicle; none of its types appear in
 * a public signature), and {@link io.ringlog.journal.FileSnapshotStore}, snapshots as checksummed
 * files. Recovery itself is the engine's: it reads these through the core's {@code Journal} and
 * {@code SnapshotStore} interfaces.
 */
package io.ringlog.journal;
