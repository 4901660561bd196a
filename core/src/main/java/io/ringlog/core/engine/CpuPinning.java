package io.ringlog.core.engine;

import net.openhft.affinity.Affinity;
import net.openhft.affinity.impl.NullAffinity;

import java.util.BitSet;

/**
 * Pins the calling thread to one CPU, through OpenHFT's Java-Thread-Affinity ({@code sched_setaffinity}
 * through JNA on Linux). Only an engine with {@link io.ringlog.core.EngineContext#stageCpu stage CPUs}
 * loads this class, so an engine without them never loads JNA.
 */
public final class CpuPinning
{
    private CpuPinning()
    {
    }

    /**
     * Refuses a CPU this process may not run on, or a platform where threads cannot be pinned; called
     * on the launching thread, whose allowed CPUs are the process's unless the caller narrowed them.
     * Without net.openhft:affinity on the class path (an optional dependency of ringlog-core), says so.
     */
    public static void requireAllowed(final String stage, final int cpu)
    {
        final BitSet allowed;
        try
        {
            allowed = allowedCpus();
        }
        catch (final LinkageError ex)
        {
            throw new IllegalArgumentException("stageCpu(\"" + stage + "\", " + cpu + "): pinning threads needs " +
                "net.openhft:affinity on the class path (ringlog-journal brings it; or add net.openhft:affinity:" +
                "3.27ea1): " + ex, ex);
        }
        if (allowed.isEmpty())
        {
            throw new IllegalArgumentException("stageCpu(\"" + stage + "\", " + cpu + "): threads cannot be pinned to " +
                "CPUs here (it needs Linux or Windows, and JNA)");
        }
        if (cpu < 0 || !allowed.get(cpu))
        {
            throw new IllegalArgumentException("stageCpu(\"" + stage + "\", " + cpu + "): CPU " + cpu +
                " is not one this process may run on (it may use " + list(allowed) + ")");
        }
    }

    /**
     * The CPUs the calling thread may run on (all of the process's, unless someone narrowed them); empty
     * where threads cannot be pinned.
     */
    public static BitSet allowedCpus()
    {
        return Affinity.getAffinityImpl() instanceof NullAffinity ? new BitSet() : Affinity.getAffinity();
    }

    /** Pins the calling thread to {@code cpu}; throws if the thread's CPUs are not exactly that one afterwards. */
    public static void pin(final int cpu)
    {
        final BitSet only = new BitSet();
        only.set(cpu);
        Affinity.setAffinity(only);
        final BitSet now = Affinity.getAffinity();
        if (!now.equals(only))
        {
            throw new IllegalStateException("could not pin " + Thread.currentThread().getName() + " to CPU " + cpu +
                ": it may run on " + list(now));
        }
    }

    /** {0, 1, 2, 5} as "0-2,5", as Linux lists CPUs. */
    public static String list(final BitSet cpus)
    {
        final StringBuilder out = new StringBuilder();
        for (int from = cpus.nextSetBit(0); from >= 0; )
        {
            final int to = cpus.nextClearBit(from) - 1;
            out.append(out.length() == 0 ? "" : ",").append(from);
            if (to > from)
            {
                out.append('-').append(to);
            }
            from = cpus.nextSetBit(to + 1);
        }
        return out.length() == 0 ? "none" : out.toString();
    }
}
