package io.ringlog.bench;

import io.ringlog.core.EngineContext;

/**
 * Reads a benchmark parameter of {@code stage=cpu} pairs joined by {@code +} into {@link EngineContext#stageCpu}
 * calls ({@code +}, because JMH's {@code -p} splits its values at commas).
 */
final class StageCpus
{
    private StageCpus()
    {
    }

    /** Applies {@code spec} ({@code compact=1+listener-last-position=1}; empty or blank: nothing) to {@code context}. */
    static EngineContext apply(final String spec, final EngineContext context)
    {
        if (spec == null || spec.isBlank())
        {
            return context;
        }
        for (final String pair : spec.split("\\+"))
        {
            final int equals = pair.indexOf('=');
            if (equals <= 0 || equals == pair.length() - 1)
            {
                throw new IllegalArgumentException("stageCpus: '" + pair + "' is not stage=cpu (as in compact=1)");
            }
            final String cpu = pair.substring(equals + 1).strip();
            try
            {
                context.stageCpu(pair.substring(0, equals).strip(), Integer.parseInt(cpu));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("stageCpus: '" + cpu + "' in '" + pair + "' is not a CPU number", ex);
            }
        }
        return context;
    }
}
