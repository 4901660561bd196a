package io.ringlog.exchange.kafka.cli;

import io.ringlog.exchange.kafka.ExchangeKafkaEngine;
import io.ringlog.kafka.KafkaSink;
import io.ringlog.kafka.UndecidedTransactionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void shouldPassTheLibrarysWordsForABrokerThatDidNotAnswerOnOnce() throws Exception
    {
        // The library's words, as a sink's start that could not fence says them.
        final int port;
        try (ServerSocket free = new ServerSocket(0))
        {
            port = free.getLocalPort();
        }
        final RuntimeException worded = assertThrows(RuntimeException.class, () -> KafkaSink.open(new KafkaSink.Context()
            .producerProperties(Map.of("max.block.ms", 1_000)).bootstrapServers("localhost:" + port)
            .startupTimeout(Duration.ofSeconds(1)).topic("x.events").transactionalId("x").keys((event) -> 0)));
        final String started = EngineCommand.startFailed(ctx, new IllegalStateException("starting x", worded)).getMessage();
        assertEquals(worded.getMessage() + " ('exchange kafka broker' starts one)", started);
        final String stopped = EngineCommand.stopped(ctx, worded);
        // Without the Kafka client's words in parentheses (EndTxn, max.block.ms): the broker and its address say it.
        final String words = worded.getMessage().substring(0, worded.getMessage().lastIndexOf(" ("));
        assertTrue(stopped.startsWith("x stopped: " + words + " Nothing is lost") && !stopped.contains("(Timeout"),
            stopped);
        for (final String said : List.of(started, stopped))
        {
            assertEquals(said.indexOf("did not answer"), said.lastIndexOf("did not answer"), said);
            assertEquals(said.indexOf("is it running?"), said.lastIndexOf("is it running?"), said);
        }
        // A bare Kafka timeout (one of the command's own reads) is worded by the library's words, once.
        final String bare = EngineCommand.stopped(ctx, new TimeoutException("Timeout expired"));
        assertEquals("x stopped: the broker at host:9092 did not answer within 2 s: is it running? " +
            "Nothing is lost", bare.substring(0, bare.indexOf("Nothing is lost") + 15));
    }

    @Test
    void shouldSayAnUndecidedTransactionAtStopAsItIs()
    {
        assertEquals("x stopped: " + UNDECIDED,
            EngineCommand.stopped(ctx, new IllegalStateException("wrapped", new UndecidedTransactionException(UNDECIDED))));
    }

    /**
     * A reviewer's finding: the events topic deleted under a running engine; the sink said the topic was gone, and the
     * engine's last line said the broker did not answer (the Kafka timeout the sink's words wrap). Its stop says what
     * the sink said, as the engine's listener failure wraps it.
     */
    @Test
    void shouldSayATopicGoneAtStopAsTheSinkSaidIt()
    {
        final String gone = "topic x.events is not on the broker at host:9092 any more (deleted while this sink " +
            "produced to it?): events cannot be written to it, and the sink stops";
        final Throwable failure = new IllegalStateException("listener 'kafka-events' failed on the event of position 7",
            new io.ringlog.kafka.TopicGoneException(gone, new TimeoutException("Timeout expired after 60000ms while " +
            "awaiting EndTxn(true)")));
        assertEquals("x stopped: " + gone, EngineCommand.stopped(ctx, failure));
    }

    /**
     * What the engine's error lines and its stop say of other failures: the messages, without the exceptions'
     * class names (it printed 'io.ringlog.core.ListenerException: ... java.lang.IllegalStateException: another
     * producer ...').
     */
    @Test
    void shouldSayFailuresWithoutTheirClassNames()
    {
        final io.ringlog.core.ListenerException fenced = new io.ringlog.core.ListenerException("kafka-events", 7,
            new IllegalStateException("another producer with this engine's transactional id took over"));
        assertEquals("listener 'kafka-events' failed on the event of position 7: another producer with this engine's " +
            "transactional id took over", EngineCommand.said(fenced));
        assertEquals("x stopped: listener 'kafka-events' failed on the event of position 7: another producer with this " +
            "engine's transactional id took over", EngineCommand.stopped(ctx, fenced));
        assertEquals("NullPointerException", EngineCommand.said(new NullPointerException()));
    }
}
