/**
 * Durable stages for the engine on local disk: {@link io.ringlog.journal.ChronicleJournal}, the
 * journal on Chronicle Queue (the only package that imports Chronicle; none of its types appear in
 * a public signature), and {@link io.ringlog.journal.FileSnapshotStore}, snapshots as checksummed
 * files. Recovery itself is the engine's: it reads these through the core's {@code Journal} and
 * {@code SnapshotStore} interfaces. Around the journal: its writer lock, its identity and committed
 * mark ({@code ringlog.meta}), the plain-read walk that checks cycle files before Chronicle maps them,
 * the space reservation that makes a full disk an ordinary error, and {@link
 * io.ringlog.journal.JournalRepair}, the one way entries leave a journal on purpose.
 */
package io.ringlog.journal;
