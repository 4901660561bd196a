package io.ringlog.core;

/** How the stages map onto threads. */
public enum Topology
{
    /**
     * Journal and replicator on their own threads, in parallel, business logic on a third, gated on
     * both. Best with cores to dedicate.
     */
    PIPELINED,

    /**
     * Journal, replicator and business logic one after the other on a single consumer thread: each
     * ring batch is appended and committed, then applied. Same durable-before-visible promise with
     * one thread instead of three; the better choice where threads outnumber cores.
     */
    COMPACT
}
