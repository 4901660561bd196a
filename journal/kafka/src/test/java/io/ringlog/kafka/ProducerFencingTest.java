package io.ringlog.kafka;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A fenced producer is said to be fenced by another of its transactional id only when Kafka says so; an old
 * epoch (what transactions v2 also answers once the coordinator aborted a transaction open past its timeout)
 * gives both explanations.
 */
class ProducerFencingTest
{
    private static final String FENCED = "another producer with transactional id s-1 fenced this sink (another engine " +
        "with the same name started?)";

    @Test
    void shouldSayFencedOnlyForAProducerFencedException()
    {
        assertEquals(FENCED, ProducerFencing.why(new IllegalStateException("commit", new ProducerFencedException("x")),
            "this sink", "s-1", "another engine with the same name started?", Duration.ofSeconds(10)));
    }

    @Test
    void shouldGiveBothExplanationsForAnOldEpoch()
    {
        assertEquals(FENCED + ", or its transaction stayed open past transaction.timeout.ms (10 s: a broker away that " +
            "long) and the coordinator aborted it", ProducerFencing.why(new InvalidProducerEpochException("old epoch"),
            "this sink", "s-1", "another engine with the same name started?", Duration.ofSeconds(10)));
    }

    @Test
    void shouldSayNothingOfAnotherFailure()
    {
        assertNull(ProducerFencing.why(new IllegalStateException("other"), "this sink", "s-1", "?", Duration.ofSeconds(10)));
    }
}
