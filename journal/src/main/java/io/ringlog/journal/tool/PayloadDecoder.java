package io.ringlog.journal.tool;

import org.agrona.DirectBuffer;

/**
 * Turns a command payload into one readable line for {@code journal dump}. An application supplies
 * one (a public class with a no-arg constructor, named by {@code --decoder}) so dumps show its
 * commands as fields rather than hex, and {@code stats} names the types it counts.
 */
@FunctionalInterface
public interface PayloadDecoder
{
    /**
     * @return the payload as text, or null for a type or version this decoder does not know (the
     *     dump then prints it as hex).
     */
    String decode(int type, int version, DirectBuffer payload, int length);

    /**
     * What a command type is, in a word or two, for {@code journal stats}' count of each type
     * ({@code type-2: 1999 (place)}).
     *
     * @return the type's name, or null for a type this decoder does not know (the default: none named).
     */
    default String typeName(final int type)
    {
        return null;
    }
}
