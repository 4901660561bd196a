package io.ringlog.core;

import org.agrona.DirectBuffer;

/**
 * A verified snapshot as a store hands it back: the state after {@code position}, the engine's
 * state hash at that position, and the bytes the engine wrote.
 */
public record Snapshot(long position, long stateHash, DirectBuffer data, int length)
{
}
