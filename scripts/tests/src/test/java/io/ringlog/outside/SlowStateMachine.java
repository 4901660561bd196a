package io.ringlog.outside;

import io.ringlog.core.Command;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.concurrent.locks.LockSupport;

/**
 * A user's state machine for the journal tool to load from RINGLOG_CLASSPATH, slow from position {@value #SLOW_FROM} on
 * (a tenth of a millisecond a command), which it says on stdout: a replay a test can stop part way, after the replay's
 * first progress report (every 65,536 positions).
 */
public final class SlowStateMachine implements StateMachine
{
    static final long SLOW_FROM = 70_000;

    private long applied;

    @Override
    public void apply(final Command command, final Output output)
    {
        if (command.position() == SLOW_FROM)
        {
            System.out.println("slow-from: " + SLOW_FROM);
            System.out.flush();
        }
        if (command.position() >= SLOW_FROM)
        {
            LockSupport.parkNanos(100_000);
        }
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
