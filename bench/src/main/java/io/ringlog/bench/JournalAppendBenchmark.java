package io.ringlog.bench;

import io.ringlog.core.Command;
import io.ringlog.journal.ChronicleJournal;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The Chronicle journal alone, on the benchmark's one thread: append {@code batch} commands (8-byte
 * payloads, 72-byte entries), then commit, as the journal stage does for a ring batch. No other
 * thread takes part, so what it measures is the journal's own cost per command, without the
 * scheduling of a pipeline on a machine with few cores. MEMORY_MAPPED, a fresh journal per trial.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class JournalAppendBenchmark extends RinglogFork
{
    private static final int OPERATIONS = 256;

    /** Commands per commit. */
    @Param({"1", "16", "256"})
    public int batch;

    private final BenchDirectory directory = new BenchDirectory("journal-append");
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
    private final Command command = new Command(64);
    private ChronicleJournal journal;
    private long position;

    @Setup(Level.Trial)
    public void open() throws IOException
    {
        journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(directory.create()).maxPayloadLength(64));
        position = journal.lastPosition();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException
    {
        journal.close();
        directory.delete();
    }

    /** 256 commands, committed every {@code batch}. */
    @Benchmark
    @OperationsPerInvocation(OPERATIONS)
    public long appendAndCommit()
    {
        for (int i = 1; i <= OPERATIONS; i++)
        {
            position++;
            payload.putLong(0, position);
            journal.append(command.set(position, position, 1, 1, 7, position, position, payload, 0, 8));
            // Counted by position, not within the invocation: a batch that does not divide 256, or exceeds it, is
            // still committed every batch commands.
            if (position % batch == 0)
            {
                journal.commit();
            }
        }
        return position;
    }
}
