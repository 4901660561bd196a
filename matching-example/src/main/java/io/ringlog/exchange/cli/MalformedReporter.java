package io.ringlog.exchange.cli;

import io.ringlog.exchange.text.CommandFileReader;

import java.io.PrintWriter;

/** Prints {@code line N: reason} for the first malformed lines, then only counts them. */
final class MalformedReporter implements CommandFileReader.ErrorSink
{
    private final PrintWriter err;
    private int seen;

    MalformedReporter(final PrintWriter err)
    {
        this.err = err;
    }

    @Override
    public void malformed(final long lineNumber, final String line, final String reason)
    {
        if (seen++ < ExchangeRunner.MALFORMED_SHOWN)
        {
            err.println("line " + lineNumber + ": " + reason);
        }
    }

    void finish(final long malformed)
    {
        if (malformed > ExchangeRunner.MALFORMED_SHOWN)
        {
            err.println("(" + (malformed - ExchangeRunner.MALFORMED_SHOWN) + " more malformed lines not shown)");
        }
    }
}
