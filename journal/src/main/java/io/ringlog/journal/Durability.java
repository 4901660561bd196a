package io.ringlog.journal;

/**
 * What a {@link ChronicleJournal#commit()} guarantees before business logic may see the batch.
 * <p>
 * Every level survives a killed process (SIGKILL, an uncaught error, the OOM killer): Chronicle
 * Queue writes into memory-mapped files, so an entry is in the operating system's page cache the
 * moment it is appended, and the kernel writes it out whether or not the process lives. Only the
 * sync levels survive a power loss or a kernel crash, at the price of an {@code msync} on the
 * journal stage.
 */
public enum Durability
{
    /** No sync: survives the process, not the machine. The fastest; the default. */
    MEMORY_MAPPED,

    /** {@code msync} of the mapped journal at every commit, i.e. once per ring batch. Survives power loss. */
    SYNC_EACH_BATCH,

    /**
     * {@code msync} at a commit when at least {@link ChronicleJournal.Context#syncInterval()} has
     * passed since the last one: a power loss loses at most the batches committed since then.
     */
    SYNC_INTERVAL
}
