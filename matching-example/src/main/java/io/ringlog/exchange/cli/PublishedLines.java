package io.ringlog.exchange.cli;

import java.util.Arrays;

/**
 * The line of the command file each of the newest positions was published from, by position modulo its size: written
 * by the publishing thread before each publish, read by a listener as the command's events come (the ring's publish
 * orders the write before them), and by the publisher after a halt. Fixed in size, whatever the file's length: a run
 * of a file with a blank line after every command once grew a table of where position and line part without bound (a
 * code review's out-of-memory error on 3M commands in 110 MB).
 */
final class PublishedLines
{
    private final long[] positions;
    private final long[] lines;

    /**
     * @param ringSlots the larger of the engine's two rings: a position's events reach a listener at most that many
     *                  positions behind the newest published in each ring, so four times as many (two rings, and a
     *                  position the journal holds a ring behind the newest) are never written over while asked.
     */
    PublishedLines(final int ringSlots)
    {
        final int size = Integer.highestOneBit(Math.max(1, ringSlots - 1)) << 3;
        positions = new long[size];
        Arrays.fill(positions, -1);
        lines = new long[size];
    }

    void put(final long position, final long line)
    {
        final int index = (int)(position & (lines.length - 1));
        lines[index] = line;
        positions[index] = position;
    }

    /** The line {@code position} was published from, or -1 where none was said or it was written over since. */
    long lineOf(final long position)
    {
        if (position < 0)
        {
            return -1;
        }
        final int index = (int)(position & (lines.length - 1));
        final long line = lines[index];
        return positions[index] == position ? line : -1;
    }
}
