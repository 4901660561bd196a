package io.ringlog.exchange.kafka.cli;

import io.ringlog.exchange.kafka.ExchangeKafkaEngine;
import io.ringlog.kafka.UndecidedTransactionException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * How the engine command words a failed start or a stop: a transaction left undecided in a topic is said as
 * the library words it (whose it is, what to do), never as a broker that did not answer, since the broker does.
 */
class EngineCommandTest
{
    private static final String UNDECIDED = "a transaction in x.events-0 is still undecided after PT2S (records 2..2 " +
        "are neither committed nor aborted): the open transaction is producer id 9's";

    private final ExchangeKafkaEngine.Context ctx = new ExchangeKafkaEngine.Context().name("x")
        .bootstrapServers("host:9092").journalDir(Path.of("j")).brokerTimeout(Duration.ofSeconds(2));

    @Test
    void shouldSayAnUndecidedTransactionAtStartAsItIsNotAsABrokerThatDidNotAnswer()
    {
        final UndecidedTransactionException undecided = new UndecidedTransactionException(UNDECIDED);
        assertSame(undecided, EngineCommand.startFailed(ctx, undecided));
        assertSame(undecided, EngineCommand.startFailed(ctx, new IllegalStateException("starting x", undecided)));
    }

    @Test
    void shouldSayAnUndecidedTransactionAtStopAsItIs()
    {
        assertEquals("x stopped: " + UNDECIDED,
            EngineCommand.stopped(ctx, new IllegalStateException("wrapped", new UndecidedTransactionException(UNDECIDED))));
    }
}
