package io.ringlog.kafka;

/**
 * A partition's transaction stayed undecided (neither committed nor aborted) past the start's timeout: the
 * broker answers, but a producer's transaction holds back every {@code read_committed} reader. Its message
 * says whose transaction it is and what to do ({@link UndecidedTransactions}). Not a timeout of the broker:
 * callers that tell a user "is the broker running?" on a Kafka {@code TimeoutException} must not see one here.
 */
public final class UndecidedTransactionException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /** With the words for the user, said as they are. */
    public UndecidedTransactionException(final String message)
    {
        super(message);
    }
}
