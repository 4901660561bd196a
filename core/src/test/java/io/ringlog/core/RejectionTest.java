package io.ringlog.core;

import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.RecordingErrorHandler;
import io.ringlog.core.testing.StateMachineAdapter;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Business rejections through a real engine: what a listener sees is the state machine's reason and
 * details, never COMMAND_FAILED. The exchange's rejections once all became COMMAND_FAILED because
 * its unit tests used an Output that accepted what the engine's refused; these tests hold the
 * engine's side, and {@link OutputContract} makes every Output enforce the same rules.
 */
class RejectionTest
{
    private static final int REJECT_WITH_DETAILS = 1;
    private static final int REJECT_PLAIN = 2;
    private static final int CLAIM_RESERVED_TYPE = 3;
    private static final int OVERWRITE_REASON = 4;
    private static final int REJECT_WITH_ENGINE_CODE = 5;
    private static final int CUT_REASON = 6;
    private static final int INSUFFICIENT_FUNDS = 7;

    /** Rejects as a business would, or breaks the output's rules, by command type. */
    private static final class Rejecting extends StateMachineAdapter
    {
        @Override
        public void apply(final Command command, final Output output)
        {
            switch (command.type())
            {
                case REJECT_WITH_DETAILS:
                {
                    final MutableDirectBuffer details = output.claimRejection(INSUFFICIENT_FUNDS);
                    details.putLong(4, 4242L, ByteOrder.LITTLE_ENDIAN);
                    output.commit(12);
                    break;
                }
                case REJECT_PLAIN:
                    output.reject(INSUFFICIENT_FUNDS);
                    break;
                case CLAIM_RESERVED_TYPE:
                    output.claim(OutputEvent.REJECTED);
                    break;
                case OVERWRITE_REASON:
                    output.claimRejection(INSUFFICIENT_FUNDS).putInt(0, 99, ByteOrder.LITTLE_ENDIAN);
                    output.commit(4);
                    break;
                case REJECT_WITH_ENGINE_CODE:
                    output.reject(Rejections.DUPLICATE);
                    break;
                case CUT_REASON:
                    output.claimRejection(INSUFFICIENT_FUNDS);
                    output.commit(2);
                    break;
                default:
                    break;
            }
        }
    }

    /** What a listener saw of one event. */
    private record Seen(long position, int type, int reason, int length, long detail)
    {
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldDeliverBusinessReasonAndDetailsOfAClaimedRejection(final Topology topology) throws Exception
    {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        final UnsafeBuffer empty = new UnsafeBuffer(new byte[8]);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new Rejecting()).topology(topology)
            .errorHandler(errors)
            .listener("seen", (event, endOfBatch) -> seen.add(new Seen(event.position(), event.type(),
                event.rejectReason(), event.payloadLength(),
                event.payloadLength() >= 12 ? event.payload().getLong(4, ByteOrder.LITTLE_ENDIAN) : 0)))))
        {
            engine.publish(REJECT_WITH_DETAILS, 0, 0, 1, empty, 0, 0);
            engine.publish(REJECT_PLAIN, 0, 0, 2, empty, 0, 0);
            engine.awaitApplied(2, 10, TimeUnit.SECONDS);
            CollectingListener.await(() -> seen.size() == 2, Duration.ofSeconds(10), "two rejections");
            assertEquals(0, engine.metrics().failed(), "a business rejection is not a failure");
        }
        assertEquals(List.of(new Seen(1, OutputEvent.REJECTED, INSUFFICIENT_FUNDS, 12, 4242L),
            new Seen(2, OutputEvent.REJECTED, INSUFFICIENT_FUNDS, 4, 0)), seen);
        assertEquals(List.of(), errors.errors());
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldReportRuleBreakingOutputAsCommandFailedNamingTheRule(final Topology topology) throws Exception
    {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        final UnsafeBuffer empty = new UnsafeBuffer(new byte[8]);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new Rejecting()).topology(topology)
            .errorHandler(errors)
            .listener("seen", (event, endOfBatch) -> seen.add(new Seen(event.position(), event.type(),
                event.rejectReason(), event.payloadLength(), 0)))))
        {
            engine.publish(CLAIM_RESERVED_TYPE, 0, 0, 1, empty, 0, 0);
            engine.publish(OVERWRITE_REASON, 0, 0, 2, empty, 0, 0);
            engine.publish(REJECT_WITH_ENGINE_CODE, 0, 0, 3, empty, 0, 0);
            engine.publish(CUT_REASON, 0, 0, 4, empty, 0, 0);
            engine.awaitApplied(4, 10, TimeUnit.SECONDS);
            CollectingListener.await(() -> seen.size() == 4, Duration.ofSeconds(10), "four rejections");
        }
        for (final Seen event : seen)
        {
            assertEquals(Rejections.COMMAND_FAILED, event.reason(), "broken rules are bugs, not business: " + seen);
        }
        assertEquals(4, errors.errors().size());
        final String[] rules = {"reserved for the engine", "was overwritten", "not a business reason", "cut it off"};
        for (int i = 0; i < rules.length; i++)
        {
            final CommandFailedException failure = assertInstanceOf(CommandFailedException.class, errors.errors().get(i));
            assertTrue(failure.getCause().getMessage().contains(rules[i]), failure.getCause().getMessage());
        }
    }

    @Test
    void shouldHoldTheSameRulesOutsideTheEngine()
    {
        final DiscardingOutput output = new DiscardingOutput(64);
        assertThrows(IllegalArgumentException.class, () -> output.claim(OutputEvent.REJECTED));
        assertThrows(IllegalArgumentException.class, () -> output.reject(Rejections.COMMAND_FAILED));
        assertThrows(IllegalArgumentException.class, () -> output.claimRejection(0));
        output.claimRejection(INSUFFICIENT_FUNDS);
        assertThrows(IllegalStateException.class, () -> output.claim(1), "claim before commit");
        assertThrows(IllegalArgumentException.class, () -> output.commit(3));
        output.commit(4);
        assertEquals(1, output.rejections());
        assertThrows(IllegalStateException.class, () -> output.commit(4), "commit without claim");
    }
}
