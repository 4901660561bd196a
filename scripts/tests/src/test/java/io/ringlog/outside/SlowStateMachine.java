package io.ringlog.outside;

import io.ringlog.core.Command;
import io.ringlog.core.Output;

import java.util.concurrent.locks.LockSupport;

/**
 * A user's state machine for the journal tool to load from RINGLOG_CLASSPATH, slow from position {@value #SLOW_FROM} on
 * (a tenth of a millisecond a command), which it says on stdout: a replay a test can stop part way, after the replay's
 * first progress report (every 65,536 positions).
 */
public final class SlowStateMachine extends CountingStateMachine
{
    static final long SLOW_FROM = 70_000;

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
}
