package io.ringlog.core;

import org.agrona.DirectBuffer;

/**
 * Publishes many commands with one claim and one publish, for a producer that has them together (a
 * network thread reading a packet, a file reader, a Kafka poll): the Disruptor's {@code next(n)} and
 * {@code publish(lo, hi)}. One per producer thread, from {@link Engine#newBatch()}, reused for every
 * batch; nothing is allocated.
 * <pre>
 *   long first = batch.claim(n);          // n consecutive positions, waiting while the ring is full
 *   try {
 *       for (...) batch.add(type, version, source, sequence, correlation, payload, offset, length);
 *   } finally {
 *       batch.publish();                  // makes them visible to the stages, all at once
 *   }
 * </pre>
 * Claimed slots hold the stages back until {@link #publish()}: always publish, in a finally. A slot
 * claimed but never added (an {@code add} that threw, or fewer adds than claimed) is published as a
 * void command, which is journaled and applies as nothing, so positions stay gap-free. The commands of a
 * batch arrived together and share one ingress timestamp, read by {@link #claim(int)}.
 */
public interface CommandBatch
{
    /**
     * Claims {@code count} consecutive positions, waiting (with the engine's producer idle strategy)
     * while the ring lacks room. Returns the first position.
     *
     * @throws IllegalArgumentException if count is not in 1..ringSize.
     * @throws IllegalStateException    if the previous batch was not published, or the engine is closed or halted.
     */
    long claim(int count);

    /** Like {@link #claim(int)}, but returns -1, claiming nothing, if the ring lacks room now: back-pressure. */
    long tryClaim(int count);

    /**
     * Fills the next claimed slot and returns its position. Validated like {@link Engine#publish}; an
     * invalid command throws and uses no slot.
     *
     * @throws IllegalStateException if every claimed slot is filled.
     */
    long add(
        int type, int version, long sourceId, long sourceSequence, long correlationId, DirectBuffer payload, int offset,
        int length);

    /**
     * Publishes the claimed range; slots left unfilled become void commands. A no-op with nothing claimed.
     *
     * @throws IllegalStateException if the engine's close gave up waiting for this batch (its closeTimeout ran out)
     *                               and the journal does not hold it: its positions go to other commands at the next
     *                               start.
     */
    void publish();

    /** Slots claimed and not yet filled. */
    int remaining();
}
