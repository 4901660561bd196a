package io.ringlog.exchange.kafka;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.command.DepositCommandDecoder;
import io.ringlog.exchange.codec.command.WithdrawCommandDecoder;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A generated command stream held in memory, fed to Kafka or straight to an engine, and what tests compare. */
final class Workloads
{
    /** One command: its type and payload. */
    record Generated(int type, byte[] payload)
    {
    }

    private Workloads()
    {
    }

    /** A few symbols with skewed popularity, a few hundred accounts: quick, and every engine gets flow. */
    static WorkloadConfig small(final long seed, final long commands)
    {
        return new WorkloadConfig().seed(seed).commands(commands).symbols(6).accounts(300).restingPerSymbol(100)
            .skew(1.0).mix(new double[]{35, 35, 5, 15, 6, 1, 3});
    }

    static List<Generated> generate(final WorkloadConfig config) throws Exception
    {
        final List<Generated> commands = new ArrayList<>();
        new WorkloadGenerator(config).generate((type, payload, length) ->
        {
            final byte[] copy = new byte[length];
            payload.getBytes(0, copy);
            commands.add(new Generated(type, copy));
        });
        return commands;
    }

    /** Sends the commands in order, correlation id = index + 1 (a file's line number). */
    static void feed(final CommandFeed feed, final List<Generated> commands)
    {
        for (int i = 0; i < commands.size(); i++)
        {
            final Generated command = commands.get(i);
            feed.send(command.type(), new UnsafeBuffer(command.payload()), command.payload().length, i + 1);
        }
        feed.flush();
    }

    /** The exchange after the commands went straight into an in-memory engine: no Kafka anywhere. */
    static ExchangeStateMachine runWithoutKafka(final List<Generated> commands) throws Exception
    {
        final ExchangeStateMachine exchange = ExchangeStateMachine.configuredByJournal(true);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(exchange)
            .maxPayloadLength(ExchangeRecords.MAX_PAYLOAD_LENGTH)))
        {
            final UnsafeBuffer settings = new UnsafeBuffer(new byte[ExchangeRecords.MAX_PAYLOAD_LENGTH]);
            long last = engine.publish(ExchangeRecords.CONFIGURE, CommandEncoder.VERSION, 0, 0, 0, settings, 0,
                ExchangeRecords.configure(settings));
            for (int i = 0; i < commands.size(); i++)
            {
                final Generated command = commands.get(i);
                last = engine.publish(command.type(), CommandEncoder.VERSION, 0, 0, i + 1, new UnsafeBuffer(command.payload()),
                    0, command.payload().length);
            }
            engine.awaitApplied(last, 60, TimeUnit.SECONDS);
        }
        return exchange;
    }

    /** Deposits less withdrawals of each (account, asset), as "account:asset". */
    static Map<String, Long> netDeposits(final List<Generated> commands)
    {
        final Map<String, Long> net = new HashMap<>();
        final DepositCommandDecoder deposit = new DepositCommandDecoder();
        final WithdrawCommandDecoder withdraw = new WithdrawCommandDecoder();
        for (final Generated command : commands)
        {
            final UnsafeBuffer payload = new UnsafeBuffer(command.payload());
            if (command.type() == CommandTypes.DEPOSIT)
            {
                deposit.wrap(payload, 0, DepositCommandDecoder.BLOCK_LENGTH, CommandEncoder.VERSION);
                net.merge(deposit.account() + ":" + deposit.asset(), deposit.amount(), Long::sum);
            }
            else if (command.type() == CommandTypes.WITHDRAW)
            {
                withdraw.wrap(payload, 0, WithdrawCommandDecoder.BLOCK_LENGTH, CommandEncoder.VERSION);
                net.merge(withdraw.account() + ":" + withdraw.asset(), -withdraw.amount(), Long::sum);
            }
        }
        return net;
    }

    /** A symbol's resting orders, both sides, best first and oldest first within a level, as text. */
    static List<String> orders(final ExchangeStateMachine exchange, final int symbol)
    {
        final List<String> orders = new ArrayList<>();
        for (final Side side : Side.values())
        {
            exchange.forEachOrder(symbol, side, (orderId, account, price, remaining) ->
                orders.add(side + " oid=" + orderId + " acct=" + account + " price=" + price + " qty=" + remaining));
        }
        return orders;
    }
}
