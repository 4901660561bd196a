package io.ringlog.exchange;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.command.ConfigureCommandEncoder;
import io.ringlog.exchange.codec.event.RejectedEventDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rejections a command file cannot reach (its parser refuses such lines; the settings come from
 * the command line), through a real engine
 * with raw payloads, as a network client's bad bytes would arrive: each is the exchange's own reason
 * with its details, never COMMAND_FAILED. The file-reachable ones are held from outside by
 * {@code io.ringlog.outside.RejectionReasonsIT}.
 */
class ExchangeRejectionsTest
{
    /** A rejection as a listener saw it. */
    private record Seen(long position, String reason, int commandType, long orderId, long account)
    {
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldRejectWhatNoCommandFileCanSayWithItsReason(final Topology topology) throws Exception
    {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final RejectedEventDecoder rejected = new RejectedEventDecoder();
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        try (Engine engine = Engine.launch(new EngineContext().topology(topology)
            .stateMachine(new ExchangeStateMachine(4, true)).maxPayloadLength(64)
            .listener("rejections", (event, endOfBatch) ->
            {
                if (event.isRejection())
                {
                    rejected.wrap(event.payload(), 0, event.payloadLength(), RejectedEventDecoder.SCHEMA_VERSION);
                    seen.add(new Seen(event.position(), RejectReason.describe(event.rejectReason()),
                        rejected.commandType(), rejected.orderId(), rejected.account()));
                }
            })))
        {
            engine.publish(CommandTypes.ADD_INSTRUMENT, 0, 0, 1, payload, 0,
                encoder.addInstrument(payload, 0, 1, 1, 0, 1, 1));
            engine.publish(CommandTypes.DEPOSIT, 0, 0, 2, payload, 0, encoder.deposit(payload, 0, 7, 0, 1_000));
            engine.publish(CommandTypes.PLACE_ORDER, 0, 0, 3, payload, 0,
                encoder.place(payload, 0, 10, 7, 1, 9, OrderType.GTC.code(), 100, 1));
            engine.publish(CommandTypes.PLACE_ORDER, 0, 0, 4, payload, 0,
                encoder.place(payload, 0, 11, 7, 1, Side.BUY.code(), 42, 100, 1));
            engine.publish(CommandTypes.PLACE_ORDER, 0, 0, 5, payload, 0, 10);
            engine.publish(99, 0, 0, 6, payload, 0, 0);
            CollectingListener.await(() -> seen.size() == 4, Duration.ofSeconds(10), "four rejections");
            assertEquals(0, engine.metrics().failed());
        }
        assertEquals(List.of(
            new Seen(3, "BAD_SIDE", CommandTypes.PLACE_ORDER, 10, 7),
            new Seen(4, "BAD_ORDER_TYPE", CommandTypes.PLACE_ORDER, 11, 7),
            new Seen(5, "MALFORMED", CommandTypes.PLACE_ORDER, 0, 0),
            new Seen(6, "UNKNOWN_COMMAND", 99, 0, 0)), seen);
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldRejectCommandsBeforeItsSettingsAndSettingsTwiceOrOutOfBounds(final Topology topology) throws Exception
    {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final RejectedEventDecoder rejected = new RejectedEventDecoder();
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final ConfigureCommandEncoder configure = new ConfigureCommandEncoder();
        try (Engine engine = Engine.launch(new EngineContext().topology(topology)
            .stateMachine(ExchangeStateMachine.configuredByJournal(true)).maxPayloadLength(64)
            .listener("rejections", (event, endOfBatch) ->
            {
                if (event.isRejection())
                {
                    rejected.wrap(event.payload(), 0, event.payloadLength(), RejectedEventDecoder.SCHEMA_VERSION);
                    seen.add(new Seen(event.position(), RejectReason.describe(event.rejectReason()),
                        rejected.commandType(), rejected.orderId(), rejected.account()));
                }
            })))
        {
            engine.publish(CommandTypes.DEPOSIT, 0, 0, 1, payload, 0, encoder.deposit(payload, 0, 7, 0, 1_000));
            configure.wrap(payload, 0).settingsVersion(CommandTypes.SETTINGS_VERSION).maxAssets(1);
            engine.publish(CommandTypes.CONFIGURE, 0, 0, 2, payload, 0, ConfigureCommandEncoder.BLOCK_LENGTH);
            configure.wrap(payload, 0).settingsVersion(CommandTypes.SETTINGS_VERSION).maxAssets(4);
            engine.publish(CommandTypes.CONFIGURE, 0, 0, 3, payload, 0, ConfigureCommandEncoder.BLOCK_LENGTH);
            engine.publish(CommandTypes.CONFIGURE, 0, 0, 4, payload, 0, ConfigureCommandEncoder.BLOCK_LENGTH);
            CollectingListener.await(() -> seen.size() == 3, Duration.ofSeconds(10), "three rejections");
            assertEquals(0, engine.metrics().failed());
        }
        assertEquals(List.of(
            new Seen(1, "NOT_CONFIGURED", CommandTypes.DEPOSIT, 0, 0),
            new Seen(2, "BAD_SETTINGS", CommandTypes.CONFIGURE, 0, 0),
            new Seen(4, "ALREADY_CONFIGURED", CommandTypes.CONFIGURE, 0, 0)), seen);
    }
}
