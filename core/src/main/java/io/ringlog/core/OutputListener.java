package io.ringlog.core;

/**
 * Consumes output events on its own thread ({@link EngineContext#listener}) or on the business-logic
 * thread ({@link EngineContext#inlineListener}): responses to clients, market data, read models. A
 * listener that throws has the exception passed to the engine's error handler and keeps receiving
 * later events; it never stops the business logic or other listeners.
 */
@FunctionalInterface
public interface OutputListener
{
    /**
     * One event. {@code endOfBatch} is true on the last event handed over before the listener waits for more
     * (a place to flush what it writes). A batch ends only between commands: at {@code endOfBatch}, every event
     * of every command so far has been delivered. (After a close gives up waiting for a listener, it gets the
     * rest of the command it is in, and maybe no {@code endOfBatch}.)
     */
    void onEvent(OutputEvent event, boolean endOfBatch) throws Exception;

    /**
     * Whether this listener also receives the events regenerated while the engine replays its
     * journal at start-up (a read model that rebuilds itself says yes). Default: no.
     */
    default boolean receivesReplay()
    {
        return false;
    }
}
