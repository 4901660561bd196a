package io.ringlog.kafka;

import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Why a partition's transaction stays undecided, in words, for the error a start fails with: whose
 * transaction is open (producer id, epoch, first offset), whether it is the reader's own transactional id
 * whose coordinator no longer tracks it (a "hanging transaction", KIP-664: no timeout will ever abort it),
 * and what to do: the command that aborts a hanging one, and for the others how to find out first (an
 * abort by hand of a transaction its coordinator still tracks breaks that transaction's atomicity).
 * <p>
 * It aborts only a hanging transaction of the writer's own transactional id, and only when asked to
 * ({@link #abortOwnHanging}, which {@link KafkaSink} does: the events it held are regenerated from the
 * journal). Any other open transaction it only diagnoses: aborting one that a live producer still
 * writes, or one its coordinator still tracks, would lose records or break that transaction's atomicity,
 * and a start cannot prove that neither is so: the user who knows decides.
 */
final class UndecidedTransactions
{
    /** How long each Admin question may take: it is asked once the start has already waited its timeout. */
    private static final Duration ASK = Duration.ofSeconds(10);

    private UndecidedTransactions()
    {
    }

    /**
     * Asks the broker at {@code properties}' bootstrap servers who holds the open transaction of
     * {@code partition}; {@code transactionalId} is the reader's own writer's (null if none).
     */
    static String describe(final Map<String, Object> properties, final TopicPartition partition,
        final String transactionalId)
    {
        final String bootstrap = bootstrap(properties);
        try (Admin admin = admin(properties))
        {
            final List<ProducerState> producers = admin.describeProducers(List.of(partition)).partitionResult(partition)
                .get(ASK.toMillis(), TimeUnit.MILLISECONDS).activeProducers();
            TransactionDescription own = null;
            String ownFailure = null;
            if (transactionalId != null)
            {
                try
                {
                    own = admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                        .get(ASK.toMillis(), TimeUnit.MILLISECONDS);
                }
                catch (final ExecutionException ex)
                {
                    ownFailure = ex.getCause() instanceof TransactionalIdNotFoundException ? "its coordinator has no such " +
                        "transactional id: it expired or was never used" : "asking its coordinator failed: " + message(ex);
                }
                catch (final java.util.concurrent.TimeoutException ex)
                {
                    ownFailure = "its coordinator did not answer within " + ASK.toSeconds() + " s";
                }
            }
            return diagnose(bootstrap, partition, producers, transactionalId, own, ownFailure);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "(interrupted while asking the broker which producer holds it)";
        }
        catch (final ExecutionException | java.util.concurrent.TimeoutException | RuntimeException ex)
        {
            return "(asking the broker which producer holds it failed: " + message(ex) + "; " +
                "kafka-transactions.sh --bootstrap-server " + bootstrap + " find-hanging --broker-id ID lists hanging ones)";
        }
    }

    /**
     * Aborts the open transaction of {@code partition} if it is a hanging one of {@code transactionalId}: that
     * id's producer id, at an epoch its coordinator no longer tracks in this partition. Call it only after that
     * id's {@code initTransactions()}: by then the coordinator has decided every earlier transaction of the id
     * and written its markers, so one still open here is one whose marker no partition will ever get (the
     * coordinator lost this partition from it, as a broker restart mid-transaction can), and no producer can
     * commit or abort it any more. Its records become aborted records, never visible to read_committed
     * readers, which never saw them either.
     *
     * @return the producer state of the transaction it aborted, or null if the partition holds no such
     *         transaction, or the broker did not say so within its wait (the start then waits and says why).
     */
    static ProducerState abortOwnHanging(final Map<String, Object> properties, final TopicPartition partition,
        final String transactionalId)
    {
        try (Admin admin = admin(properties))
        {
            final List<ProducerState> producers = admin.describeProducers(List.of(partition)).partitionResult(partition)
                .get(ASK.toMillis(), TimeUnit.MILLISECONDS).activeProducers();
            final TransactionDescription own = admin.describeTransactions(List.of(transactionalId))
                .description(transactionalId).get(ASK.toMillis(), TimeUnit.MILLISECONDS);
            final ProducerState hanging = abortable(producers, own, partition);
            if (hanging != null)
            {
                admin.abortTransaction(new AbortTransactionSpec(partition, hanging.producerId(), (short)hanging.producerEpoch(),
                    hanging.coordinatorEpoch().orElse(-1))).all().get(ASK.toMillis(), TimeUnit.MILLISECONDS);
            }
            return hanging;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
        catch (final ExecutionException | java.util.concurrent.TimeoutException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * Of {@code producers}, the one whose open transaction is the writer's own ({@code own}, its coordinator's
     * state; null if unknown) and not tracked by its coordinator in {@code partition}: a hanging one. Null if none.
     */
    static ProducerState ownHanging(final Collection<ProducerState> producers, final TransactionDescription own,
        final TopicPartition partition)
    {
        if (own == null)
        {
            return null;
        }
        for (final ProducerState producer : producers)
        {
            if (producer.currentTransactionStartOffset().isPresent() && producer.producerId() == own.producerId() &&
                !trackedHere(own, partition, producer))
            {
                return producer;
            }
        }
        return null;
    }

    /**
     * Of {@code producers}, the writer's own hanging transaction ({@link #ownHanging}) if its coordinator is at rest
     * (Empty, or a transaction completed) at a later epoch: nothing of the id is in progress, as right after the
     * writer's own {@code initTransactions()}. Anything else (another process of the id writing, a commit under
     * transactions v2, whose coordinator reports the next epoch while the markers are on their way) is left to its
     * coordinator. Null if none.
     */
    static ProducerState abortable(final Collection<ProducerState> producers, final TransactionDescription own,
        final TopicPartition partition)
    {
        final ProducerState hanging = ownHanging(producers, own, partition);
        final boolean atRest = own != null && (own.state() == TransactionState.EMPTY ||
            own.state() == TransactionState.COMPLETE_COMMIT || own.state() == TransactionState.COMPLETE_ABORT);
        return hanging != null && atRest && hanging.producerEpoch() < own.producerEpoch() ? hanging : null;
    }

    /** An Admin client with {@code properties}' connection settings, each question answered within {@link #ASK}. */
    private static Admin admin(final Map<String, Object> properties)
    {
        return admin(properties, ASK);
    }

    /** An Admin client with {@code properties}' connection settings (the clients' others left out), asking within {@code ask}. */
    static Admin admin(final Map<String, Object> properties, final java.time.Duration ask)
    {
        final Map<String, Object> config = new HashMap<>();
        for (final Map.Entry<String, Object> property : properties.entrySet())
        {
            if (AdminClientConfig.configNames().contains(property.getKey()))
            {
                config.put(property.getKey(), property.getValue());
            }
        }
        final int askMs = (int)Math.min(Integer.MAX_VALUE, ask.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, askMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, askMs);
        return Admin.create(config);
    }

    /**
     * The words for what the broker answered: the producers of {@code partition} ({@code describeProducers})
     * and the coordinator's state of {@code transactionalId} ({@code own}, null if unknown; then
     * {@code ownFailure} says why, if it was asked).
     */
    static String diagnose(final String bootstrap, final TopicPartition partition, final Collection<ProducerState> producers,
        final String transactionalId, final TransactionDescription own, final String ownFailure)
    {
        final StringBuilder words = new StringBuilder();
        for (final ProducerState producer : producers)
        {
            if (producer.currentTransactionStartOffset().isEmpty())
            {
                continue;
            }
            final long start = producer.currentTransactionStartOffset().getAsLong();
            words.append(words.length() == 0 ? "" : "; ").append("the open transaction is producer id ")
                .append(producer.producerId()).append("'s, epoch ").append(producer.producerEpoch())
                .append(", from offset ").append(start).append(": ");
            if (own != null && own.producerId() == producer.producerId())
            {
                words.append("that is this writer's own transactional id ").append(transactionalId);
                if (trackedHere(own, partition, producer))
                {
                    // The coordinator will decide it: aborting it by hand would break that transaction's atomicity.
                    words.append(", and its coordinator has this transaction ").append(own.state()).append(" (epoch ")
                        .append(own.producerEpoch()).append("): another process of that transactional id (another engine ")
                        .append("with the same name, started after this one) is writing it. Stop that process, or start ")
                        .append("again once its transaction has ended");
                }
                else
                {
                    words.append(", but its coordinator no longer tracks this transaction (state ").append(own.state())
                        .append(", epoch ").append(own.producerEpoch()).append("): a hanging transaction (KIP-664; a broker restarted ")
                        .append("mid-transaction has left one), which no timeout will ever abort, and which no producer can ")
                        .append("still commit. Abort it (this reader does not abort it itself) with: ");
                    abortCommand(words, bootstrap, partition, producer, start);
                    words.append(", then start again");
                }
            }
            else
            {
                if (transactionalId != null)
                {
                    words.append("not known to be this writer's (").append(transactionalId).append(own != null
                        ? " is producer id " + own.producerId() : ownFailure == null ? " was not asked" : ": " + ownFailure)
                        .append("): ");
                }
                words.append("another producer writes this topic, or one died mid-transaction and its coordinator ")
                    .append("aborts it after that producer's transaction.timeout.ms. If it stays open longer, it may ")
                    .append("hang: kafka-transactions.sh --bootstrap-server ").append(bootstrap).append(" find-hanging ")
                    .append("--topic ").append(partition.topic()).append(" --partition ").append(partition.partition())
                    .append(" lists it if so, and only then abort it (").append("kafka-transactions.sh ... abort --topic ")
                    .append(partition.topic()).append(" --partition ").append(partition.partition())
                    .append(" --start-offset ").append(start).append("): aborting a transaction its coordinator still ")
                    .append("tracks breaks it");
            }
        }
        if (words.length() == 0)
        {
            return "the broker lists no open transaction in " + partition + " now (decided meanwhile?): start again";
        }
        return words.toString();
    }

    /** The command, and the Admin call, that abort the open transaction of {@code producer} in {@code partition}. */
    private static void abortCommand(final StringBuilder words, final String bootstrap, final TopicPartition partition,
        final ProducerState producer, final long start)
    {
        words.append("kafka-transactions.sh --bootstrap-server ").append(bootstrap).append(" abort --topic ")
            .append(partition.topic()).append(" --partition ").append(partition.partition()).append(" --start-offset ")
            .append(start).append(" (or Admin.abortTransaction(new AbortTransactionSpec(new TopicPartition(\"")
            .append(partition.topic()).append("\", ").append(partition.partition()).append("), ")
            .append(producer.producerId()).append(", (short)").append(producer.producerEpoch()).append(", ")
            .append(producer.coordinatorEpoch().orElse(-1)).append(")))");
    }

    /**
     * Whether the coordinator tracks this very transaction: one of the id in progress, on this partition, at the
     * epoch the partition holds (under transactions v2 the epoch moves with each transaction, so an older one
     * left open here is not the one in progress elsewhere).
     */
    private static boolean trackedHere(final TransactionDescription own, final TopicPartition partition,
        final ProducerState producer)
    {
        return tracked(own.state()) && own.topicPartitions().contains(partition) &&
            own.producerEpoch() == producer.producerEpoch();
    }

    /** Whether the coordinator has a transaction of the id in progress. */
    private static boolean tracked(final TransactionState state)
    {
        return state == TransactionState.ONGOING || state == TransactionState.PREPARE_COMMIT ||
            state == TransactionState.PREPARE_ABORT || state == TransactionState.PREPARE_EPOCH_FENCE;
    }

    /** The bootstrap servers as a command line takes them. */
    static String bootstrap(final Map<String, Object> properties)
    {
        final Object servers = properties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (servers instanceof Collection<?> list)
        {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(servers);
    }

    private static String message(final Throwable failure)
    {
        final Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
