package io.ringlog.core.testing;

import org.agrona.ErrorHandler;

import java.util.ArrayList;
import java.util.List;

/** Keeps every error the engine reports. */
public final class RecordingErrorHandler implements ErrorHandler
{
    private final List<Throwable> errors = new ArrayList<>();

    @Override
    public synchronized void onError(final Throwable throwable)
    {
        errors.add(throwable);
    }

    public synchronized List<Throwable> errors()
    {
        return new ArrayList<>(errors);
    }
}
