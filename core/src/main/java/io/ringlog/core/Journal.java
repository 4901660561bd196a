package io.ringlog.core;

/**
 * The journal stage's store: every command, in position order, durable before business logic sees
 * it. Called from one thread at a time: the journal stage while running, the engine during
 * start-up and close.
 */
public interface Journal extends AutoCloseable
{
    /** Position of the newest entry, 0 when the journal is empty. */
    long lastPosition();

    /** Appends one command; it may sit in a buffer until {@link #commit()}. */
    void append(Command command);

    /** Makes everything appended so far durable, to this journal's durability level. Called once per ring batch. */
    void commit();

    /** Reads entries from {@code fromPosition} (inclusive) on, in order. */
    JournalReader reader(long fromPosition);

    @Override
    void close();
}
