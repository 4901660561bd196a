package io.ringlog.exchange.cli;

import io.ringlog.exchange.workload.WorkloadConfig;
import picocli.CommandLine;

import java.util.Iterator;
import java.util.List;

/** The workload presets by the names the command line uses. */
enum Preset
{
    /** {@link WorkloadConfig#exchangeCore}: one symbol, the shape published matching-engine benchmarks use. */
    EXCHANGE_CORE("exchange-core"),
    /** {@link WorkloadConfig#manySymbols}: 50 symbols with skewed popularity, 10,000 accounts. */
    MANY_SYMBOLS("many-symbols");

    private final String label;

    Preset(final String label)
    {
        this.label = label;
    }

    WorkloadConfig config(final long seed, final long commands)
    {
        return this == EXCHANGE_CORE ? WorkloadConfig.exchangeCore(seed, commands) :
            WorkloadConfig.manySymbols(seed, commands);
    }

    @Override
    public String toString()
    {
        return label;
    }

    /** Parses a preset name, also accepting the enum spelling ({@code MANY_SYMBOLS}). */
    static final class Converter implements CommandLine.ITypeConverter<Preset>
    {
        @Override
        public Preset convert(final String value)
        {
            for (final Preset preset : values())
            {
                if (preset.label.equalsIgnoreCase(value) || preset.name().equalsIgnoreCase(value))
                {
                    return preset;
                }
            }
            throw new CommandLine.TypeConversionException("unknown preset '" + value + "' (exchange-core, many-symbols)");
        }
    }

    /** The names, for picocli's {@code ${COMPLETION-CANDIDATES}}. */
    static final class Names implements Iterable<String>
    {
        @Override
        public Iterator<String> iterator()
        {
            return List.of(EXCHANGE_CORE.label, MANY_SYMBOLS.label).iterator();
        }
    }
}
