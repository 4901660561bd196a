package io.ringlog.bench.suite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The machine a suite ran on, as the report names it: architecture ({@code uname -m}), CPU model
 * ({@code /proc/cpuinfo}), cores, memory ({@code /proc/meminfo}), kernel, JDK; the load average,
 * read before every step, because on a shared machine it says how much of the two cores the figures
 * had; and the commit of the code measured, since figures outlive the engine they were taken on.
 * Anything Linux or git does not provide here reads "unknown" rather than failing the run.
 */
public final class Machine
{
    private static final String UNKNOWN = "unknown";

    private Machine()
    {
    }

    /** The machine and JDK as key/value pairs, in the order the report prints them. */
    public static Map<String, Object> describe()
    {
        final Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("arch", command("uname", "-m"));
        machine.put("cpu-model", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memory-gib", memoryGib());
        machine.put("kernel", command("uname", "-sr"));
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") +
            " (" + System.getProperty("java.vendor") + ")");
        return machine;
    }

    /**
     * The commit of the working directory's checkout, {@code git describe --always --dirty} (a
     * "-dirty" suffix: uncommitted changes were measured too), or "unknown" outside a git checkout.
     */
    public static String commit()
    {
        return command("git", "describe", "--always", "--dirty", "--abbrev=12");
    }

    /** The 1-minute load average, or -1 where {@code /proc/loadavg} cannot be read. */
    public static double load()
    {
        try
        {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException ex)
        {
            return UNKNOWN;
        }
        return UNKNOWN;
    }

    private static Object memoryGib()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/meminfo")))
            {
                if (line.startsWith("MemTotal:"))
                {
                    final long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return Math.round(kib / (1024.0 * 1024.0) * 10) / 10.0;
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            return UNKNOWN;
        }
        return UNKNOWN;
    }

    private static String command(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            final String out;
            try (InputStream in = process.getInputStream())
            {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 && !out.isEmpty() ? out : UNKNOWN;
        }
        catch (final IOException ex)
        {
            return UNKNOWN;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return UNKNOWN;
        }
    }
}
