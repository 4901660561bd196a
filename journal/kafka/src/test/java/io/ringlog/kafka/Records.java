package io.ringlog.kafka;

import io.ringlog.core.testing.AccumulatorStateMachine;
import org.agrona.concurrent.Agent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Records for the test state machine's commands, and driving an agent by hand. */
final class Records
{
    private Records()
    {
    }

    /** An ADD command of {@link AccumulatorStateMachine} as a commands-topic record. */
    static ProducerRecord<byte[], byte[]> add(final String topic, final int partition, final long value)
    {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaHeaders.TYPE, KafkaHeaders.ascii(AccumulatorStateMachine.ADD));
        return new ProducerRecord<>(topic, partition, (byte[])null, longValue(value), headers);
    }

    static byte[] longValue(final long value)
    {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    static byte[] text(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Calls {@code agent.doWork()} on this thread until {@code done} holds; fails after {@code timeout}. */
    static void workUntil(final Agent agent, final BooleanSupplier done, final Duration timeout, final String what)
        throws Exception
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                fail("not done within " + timeout + ": " + what);
            }
            agent.doWork();
        }
    }
}
