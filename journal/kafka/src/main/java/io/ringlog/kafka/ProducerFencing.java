package io.ringlog.kafka;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

import java.time.Duration;

/**
 * The words for a transactional producer whose epoch is no longer the coordinator's: one place, for the
 * sink and for any other transactional writer (the exchange's command feed). A {@link ProducerFencedException}
 * means another producer of the same transactional id started. An {@link InvalidProducerEpochException} means
 * that too, or (kafka-clients 4, transactions v2) that this producer's transaction stayed open past its
 * {@code transaction.timeout.ms} (a broker away that long mid-batch) and the coordinator aborted it: both are
 * said, since the exception cannot tell them apart.
 */
public final class ProducerFencing
{
    private ProducerFencing()
    {
    }

    /**
     * Why {@code failure} (at any depth) stopped the producer {@code what} ("this sink") of {@code transactionalId},
     * or null if it is not a fencing; {@code guess} names the likely other producer ("another engine with the same
     * name started?"), {@code transactionTimeout} the producer's {@code transaction.timeout.ms}.
     */
    public static String why(final Throwable failure, final String what, final String transactionalId, final String guess,
        final Duration transactionTimeout)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause())
        {
            final String fenced = "another producer with transactional id " + transactionalId + " fenced " + what +
                " (" + guess + ")";
            if (cause instanceof ProducerFencedException)
            {
                return fenced;
            }
            if (cause instanceof InvalidProducerEpochException)
            {
                return fenced + ", or its transaction stayed open past transaction.timeout.ms (" +
                    transactionTimeout.toSeconds() + " s: a broker away that long) and the coordinator aborted it";
            }
        }
        return null;
    }
}
