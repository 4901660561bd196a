package io.ringlog.bench;

import io.ringlog.core.EngineContext;
import io.ringlog.core.OutputListener;

/**
 * Where a benchmark's listener runs: on its own thread ({@link EngineContext#listener}, the default
 * every figure before 2026-12-02 used) or on the business-logic thread ({@link EngineContext#inlineListener}).
 */
public enum ListenerPlacement
{
    THREAD,
    INLINE;

    /** Adds {@code listener} to {@code ctx} as this placement says. */
    public EngineContext add(final EngineContext ctx, final String name, final OutputListener listener)
    {
        return this == INLINE ? ctx.inlineListener(name, listener) : ctx.listener(name, listener);
    }
}
