package io.ringlog.core;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * Registered payload migrations, so new code can apply commands written by old code. An upcaster
 * turns version v of a command type into version v + 1 in place (see {@link Command#payload(int,
 * org.agrona.DirectBuffer, int, int)}); chains run until no upcaster is registered for the version
 * reached. They run on the business-logic thread, for replayed and live commands alike.
 */
public final class Upcasters
{
    /** Rewrites a command's payload from its current version to the next one. */
    @FunctionalInterface
    public interface Upcaster
    {
        void upcast(Command command);
    }

    private final Long2ObjectHashMap<Upcaster> byTypeAndVersion = new Long2ObjectHashMap<>();

    /** Registers the upcaster that reads version {@code fromVersion} of {@code type} and writes {@code fromVersion + 1}. */
    public Upcasters register(final int type, final int fromVersion, final Upcaster upcaster)
    {
        if (upcaster == null)
        {
            throw new IllegalArgumentException("upcaster must not be null");
        }
        if (byTypeAndVersion.put(key(type, fromVersion), upcaster) != null)
        {
            throw new IllegalArgumentException("an upcaster for type " + type + " version " + fromVersion +
                " is already registered");
        }
        return this;
    }

    public boolean isEmpty()
    {
        return byTypeAndVersion.isEmpty();
    }

    /** Whether an upcaster reads version {@code fromVersion} of {@code type}. */
    public boolean registered(final int type, final int fromVersion)
    {
        return byTypeAndVersion.containsKey(key(type, fromVersion));
    }

    /** Whether a command of this type and version needs upcasting. */
    public boolean appliesTo(final Command command)
    {
        return byTypeAndVersion.containsKey(key(command.type(), command.version()));
    }

    /** Upcasts in place until no further upcaster applies. */
    public void upcast(final Command command)
    {
        Upcaster upcaster;
        while ((upcaster = byTypeAndVersion.get(key(command.type(), command.version()))) != null)
        {
            final int before = command.version();
            upcaster.upcast(command);
            if (command.version() != before + 1)
            {
                throw new IllegalStateException("upcaster for type " + command.type() + " version " + before +
                    " left version " + command.version() + ", expected " + (before + 1));
            }
        }
    }

    private static long key(final int type, final int version)
    {
        return ((long)type << 32) | (version & 0xFFFF_FFFFL);
    }
}
