package io.ringlog.journal;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child JVM for the crash test: an engine on a Chronicle journal under load, publishing anonymous
 * ADD commands as fast as it can until it is killed. A listener prints {@code P <position>} for
 * every output event it observes, flushed at the end of each batch, so whatever the parent reads
 * was visible to a client before the kill.
 */
public final class CrashChildMain
{
    private CrashChildMain()
    {
    }

    public static void main(final String[] args)
    {
        final Path root = Path.of(args[0]);
        final SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        final Topology topology = Topology.valueOf(args[2]);
        final PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            false);
        final OutputListener printer = (event, endOfBatch) -> print(out, event, endOfBatch);
        final EngineContext ctx = EngineFixtures.engineContext(new AccumulatorStateMachine(),
            EngineFixtures.journal(root), topology)
            .snapshotStore(EngineFixtures.snapshots(root, 2))
            .snapshotEvery(5_000)
            .listener("printer", printer);
        final Engine engine = Engine.launch(ctx);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        while (true)
        {
            payload.putLong(0, random.nextInt(1_000_000), ByteOrder.LITTLE_ENDIAN);
            engine.publish(AccumulatorStateMachine.ADD, 0, 0, 0, payload, 0, 8);
        }
    }

    private static void print(final PrintStream out, final OutputEvent event, final boolean endOfBatch)
    {
        out.print("P ");
        out.println(event.position());
        if (endOfBatch)
        {
            out.flush();
        }
    }
}
