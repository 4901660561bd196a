package io.ringlog.journal;

import java.nio.file.Path;

/**
 * An entry a crashed writer left half written after the newest whole entry. The journal found it
 * on open, ignores it, and overwrites it with the next append: recovery runs up to
 * {@code lastWholePosition}.
 *
 * @param lastWholePosition position of the newest whole entry before it (0 if none).
 * @param file              the cycle file that holds it.
 * @param fileOffset        byte offset of its 4-byte Chronicle header in that file.
 * @param header            the header word found there (not-complete flag, or 0 while the length was unknown).
 */
public record TornEntry(long lastWholePosition, Path file, long fileOffset, int header)
{
    @Override
    public String toString()
    {
        return "torn entry after position " + lastWholePosition + " at offset " + fileOffset + " of " + file +
            " (header 0x" + Integer.toHexString(header) + "): a writer stopped mid-entry; ignored";
    }
}
