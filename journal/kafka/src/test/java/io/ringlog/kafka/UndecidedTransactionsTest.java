package io.ringlog.kafka;

import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The words for a transaction that stays undecided, from the shapes Admin answers with. A hanging
 * transaction (the sink's own producer id open in the partition, its coordinator tracking nothing) is
 * what a broker restart mid-commit left once; a test broker cannot be made to leave one at will, so
 * this takes the answers Admin gave then.
 */
class UndecidedTransactionsTest
{
    private static final TopicPartition PARTITION = new TopicPartition("l.events", 0);
    private static final String ABORT = "kafka-transactions.sh --bootstrap-server host:9092 abort --topic l.events " +
        "--partition 0 --start-offset 23072";

    @Test
    void shouldCallTheSinksOwnTransactionThatItsCoordinatorForgotHangingAndSayHowToAbortIt()
    {
        final String words = UndecidedTransactions.diagnose("host:9092", PARTITION,
            List.of(open(1, 25, 23072), closed(7)), "l.events-writer",
            new TransactionDescription(1, TransactionState.EMPTY, 1, 26, 10_000, OptionalLong.empty(), Set.of()), null);
        assertTrue(words.startsWith("the open transaction is producer id 1's, epoch 25, from offset 23072: that is this " +
            "writer's own transactional id l.events-writer, but its coordinator no longer tracks this transaction " +
            "(state Empty, epoch 26): a hanging transaction (KIP-664"), words);
        assertTrue(words.contains(ABORT), words);
        assertTrue(words.contains("Admin.abortTransaction(new AbortTransactionSpec(new TopicPartition(\"l.events\", 0), 1, " +
            "(short)25, 3))"), words);
    }

    @Test
    void shouldSendAnotherProducersOpenTransactionToFindHangingRatherThanAbortIt()
    {
        final String words = UndecidedTransactions.diagnose("host:9092", PARTITION, List.of(open(9, 0, 23072)),
            "l.events-writer",
            new TransactionDescription(1, TransactionState.EMPTY, 1, 26, 10_000, OptionalLong.empty(), Set.of()), null);
        assertTrue(words.contains("producer id 9's, epoch 0, from offset 23072: not known to be this writer's " +
            "(l.events-writer is producer id 1): another producer writes this topic"), words);
        assertTrue(words.contains("kafka-transactions.sh --bootstrap-server host:9092 find-hanging --topic l.events " +
            "--partition 0 lists it if so, and only then abort it"), words);
        assertFalse(words.contains(ABORT), "no abort by hand of a transaction a coordinator may still track: " + words);
    }

    @Test
    void shouldSayWhenTheWritersOwnTransactionIsStillInProgressAndNotSuggestAnAbort()
    {
        final String words = UndecidedTransactions.diagnose("host:9092", PARTITION, List.of(open(1, 25, 23072)),
            "l.events-writer",
            new TransactionDescription(1, TransactionState.ONGOING, 1, 25, 10_000, OptionalLong.of(1), Set.of(PARTITION)),
            null);
        assertTrue(words.contains("its coordinator has this transaction Ongoing (epoch 25): another process of that " +
            "transactional id"), words);
        assertFalse(words.contains("abort"), words);
    }

    /** Transactions v2: the id has a newer transaction in progress elsewhere; the one left here, older, hangs. */
    @Test
    void shouldCallAnOlderEpochLeftOpenHangingWhileTheIdHasANewerTransactionElsewhere()
    {
        final String words = UndecidedTransactions.diagnose("host:9092", PARTITION, List.of(open(1, 25, 23072)),
            "l.events-writer", new TransactionDescription(1, TransactionState.ONGOING, 1, 27, 10_000, OptionalLong.of(1),
                Set.of(new TopicPartition("l.events", 2))), null);
        assertTrue(words.contains("but its coordinator no longer tracks this transaction (state Ongoing, epoch 27): a " +
            "hanging transaction"), words);
        assertTrue(words.contains(ABORT), words);
    }

    @Test
    void shouldSayWhenTheCoordinatorHasNoSuchTransactionalId()
    {
        final String words = UndecidedTransactions.diagnose("host:9092", PARTITION, List.of(open(1, 25, 23072)),
            "l.events-writer", null, "its coordinator has no such transactional id: it expired or was never used");
        assertTrue(words.contains("not known to be this writer's (l.events-writer: its coordinator has no such " +
            "transactional id: it expired or was never used)"), words);
        assertTrue(words.contains("find-hanging"), words);
    }

    @Test
    void shouldSayWhenNoTransactionIsOpenAnyMore()
    {
        assertEquals("the broker lists no open transaction in l.events-0 now (decided meanwhile?): start again",
            UndecidedTransactions.diagnose("host:9092", PARTITION, List.of(closed(1)), "l.events-writer", null, null));
    }

    /** What a sink aborts by itself: only its own id's open transaction that its coordinator does not track here. */
    @Test
    void shouldAbortOnlyTheWritersOwnTransactionThatItsCoordinatorNoLongerTracks()
    {
        final TransactionDescription empty = new TransactionDescription(1, TransactionState.EMPTY, 1, 26, 10_000,
            OptionalLong.empty(), Set.of());
        assertEquals(23072, UndecidedTransactions.ownHanging(List.of(closed(7), open(1, 25, 23072)), empty, PARTITION)
            .currentTransactionStartOffset().getAsLong(), "the incident's: the id's, its coordinator Empty at a later epoch");
        assertEquals(null, UndecidedTransactions.ownHanging(List.of(open(9, 0, 23072)), empty, PARTITION),
            "another producer's");
        assertEquals(null, UndecidedTransactions.ownHanging(List.of(open(1, 25, 23072)), null, PARTITION),
            "the id's coordinator did not say which producer id it has");
        assertEquals(null, UndecidedTransactions.ownHanging(List.of(open(1, 25, 23072)), new TransactionDescription(1,
            TransactionState.ONGOING, 1, 25, 10_000, OptionalLong.of(1), Set.of(PARTITION)), PARTITION),
            "in progress: its coordinator decides it");
        assertEquals(null, UndecidedTransactions.ownHanging(List.of(open(1, 25, 23072)), new TransactionDescription(1,
            TransactionState.PREPARE_COMMIT, 1, 25, 10_000, OptionalLong.of(1), Set.of(PARTITION)), PARTITION),
            "being committed: its markers are on their way");
        assertEquals(23072, UndecidedTransactions.abortable(List.of(open(1, 25, 23072)), empty, PARTITION)
            .currentTransactionStartOffset().getAsLong(), "at rest at a later epoch: aborted");
        // Transactions v2: a commit in progress shows the next epoch; another process of the id is committing it.
        assertEquals(null, UndecidedTransactions.abortable(List.of(open(1, 25, 23072)), new TransactionDescription(1,
            TransactionState.PREPARE_COMMIT, 1, 26, 10_000, OptionalLong.of(1), Set.of(PARTITION)), PARTITION),
            "a v2 commit in progress");
        assertEquals(null, UndecidedTransactions.abortable(List.of(open(1, 25, 23072)), new TransactionDescription(1,
            TransactionState.ONGOING, 1, 27, 10_000, OptionalLong.of(1), Set.of(new TopicPartition("l.events", 2))),
            PARTITION), "another process of the id is writing");
        assertEquals(null, UndecidedTransactions.abortable(List.of(open(1, 25, 23072)), new TransactionDescription(1,
            TransactionState.EMPTY, 1, 25, 10_000, OptionalLong.empty(), Set.of()), PARTITION),
            "not a later epoch than the one left open");
    }

    private static ProducerState open(final long producerId, final int epoch, final long start)
    {
        return new ProducerState(producerId, epoch, 5, 0, OptionalInt.of(3), OptionalLong.of(start));
    }

    private static ProducerState closed(final long producerId)
    {
        return new ProducerState(producerId, 0, 5, 0, OptionalInt.empty(), OptionalLong.empty());
    }
}
