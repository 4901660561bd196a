package io.ringlog.journal;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Command;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Launches an engine on its defaults (the in-memory journal) and closes it; prints {@code error: ...} and exits 1 if
 * the launch is refused. Its state machine makes no buffer of its own, so the launch is the first to.
 */
public final class LaunchEngineMain
{
    private LaunchEngineMain()
    {
    }

    public static void main(final String[] args)
    {
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new Counter())))
        {
            System.out.println("launched: " + engine);
        }
        catch (final IllegalStateException ex)
        {
            System.out.println("error: " + ex.getMessage());
            System.exit(1);
        }
    }

    /** Counts the commands it applies. */
    private static final class Counter implements StateMachine
    {
        private long applied;

        @Override
        public void apply(final Command command, final Output output)
        {
            applied++;
        }

        @Override
        public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putLong(offset, applied);
            return Long.BYTES;
        }

        @Override
        public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
        {
            applied = buffer.getLong(offset);
        }

        @Override
        public long stateHash()
        {
            return applied;
        }
    }
}
