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
