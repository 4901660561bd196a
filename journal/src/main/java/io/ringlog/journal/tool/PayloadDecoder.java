package io.ringlog.journal.tool;

import org.agrona.DirectBuffer;

/**
 * Turns a command payload into one readable line for {@code journal dump}. An application supplies
 * one (a public class with a no-arg constructor, named by {@code --decoder}) so dumps show its
 * commands as fields rather than hex.
 */
@FunctionalInterface
public interface PayloadDecoder
{
    /**
     * @return the payload as text, or null for a type or version this decoder does not know (the
     *     dump then prints it as hex).
     */
    String decode(int type, int version, DirectBuffer payload, int length);
}
