package io.ringlog.core;

import org.agrona.DirectBuffer;

/**
 * The intake of a follower engine: commands that already carry their position and timestamp (a
 * standby receiving from its primary, a journal copied from elsewhere). Each must be the next
 * position: an older one is a duplicate and a newer one a gap, and neither is taken; the caller
 * decides (ignore the duplicate, ask for the missing range). One thread appends. The timestamp is taken as
 * the leader stamped it, with no check of its order: the leader's own journal can hold an older timestamp after
 * a newer one ({@link Command#timestamp}), and a follower that refused it would refuse the leader's history.
 * <p>
 * From {@link Engine#follower()} on an engine launched with {@link EngineContext#follower(boolean)};
 * such an engine refuses {@link Engine#publish} until {@link Engine#promote()}.
 */
public interface FollowerIntake
{
    /** The position is older than the next one: already taken. Nothing was appended. */
    long DUPLICATE = -1;
    /** The position is newer than the next one: positions in between are missing. Nothing was appended. */
    long GAP = -2;
    /** {@link #tryAppend} only: the ring is full. Nothing was appended. */
    long BACK_PRESSURED = -3;

    /** The position the next append must carry. */
    long nextPosition();

    /**
     * Appends a command sequenced elsewhere, waiting while the ring is full.
     *
     * @return its position, or {@link #DUPLICATE} or {@link #GAP}.
     * @throws IllegalArgumentException if the position is below 1, which no journal has, or the payload is
     *                                  larger than maxPayloadLength.
     * @throws IllegalStateException if the engine is closed, halted or promoted.
     */
    long append(
        long position, long timestamp, int type, int version, long sourceId, long sourceSequence, long correlationId,
        DirectBuffer payload, int offset, int length);

    /** Like {@link #append}, but returns {@link #BACK_PRESSURED} instead of waiting for room. */
    long tryAppend(
        long position, long timestamp, int type, int version, long sourceId, long sourceSequence, long correlationId,
        DirectBuffer payload, int offset, int length);

    /** Appends a command as a reader or a decoder filled it. */
    default long append(final Command command)
    {
        return append(command.position(), command.timestamp(), command.type(), command.version(), command.sourceId(),
            command.sourceSequence(), command.correlationId(), command.payload(), 0, command.payloadLength());
    }
}
