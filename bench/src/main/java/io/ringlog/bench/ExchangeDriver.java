package io.ringlog.bench;

import io.ringlog.core.DiscardingOutput;
import io.ringlog.core.Command;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Applies exchange commands to an {@link ExchangeStateMachine} on the calling thread, one position
 * at a time, into a {@link DiscardingOutput}: the state machine with no engine around it. Each
 * command is encoded into a reused buffer and copied into a reused {@link Command}, as the input
 * ring would hold it; nothing is allocated.
 */
public final class ExchangeDriver
{
    /** Larger than every exchange command payload. */
    public static final int MAX_PAYLOAD = 64;
    /** Larger than every exchange event payload (a trade is the largest, 80 bytes). */
    public static final int MAX_EVENT_PAYLOAD = 128;

    private final ExchangeStateMachine exchange;
    private final DiscardingOutput output = new DiscardingOutput(MAX_EVENT_PAYLOAD);
    private final Command command = new Command(MAX_PAYLOAD);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[MAX_PAYLOAD]);
    private final CommandEncoder encoder = new CommandEncoder();
    private long position;

    public ExchangeDriver(final ExchangeStateMachine exchange)
    {
        this.exchange = exchange;
    }

    /**
     * A driver whose exchange holds the set-up part of the exchange-core workload: one instrument
     * (symbol 1, tick 1, lot 1), 2,000 funded accounts and ~1,000 resting orders, 500 a side within
     * 50 ticks of the mid; none of the order flow. Trades report no balance events (the exchange's
     * pure-matching setting): balances still change, nobody is told.
     */
    public static ExchangeDriver prefilled(final long seed) throws Exception
    {
        final WorkloadConfig setup = WorkloadConfig.exchangeCore(seed, 0);
        final ExchangeDriver driver = new ExchangeDriver(new ExchangeStateMachine(setup.maxAssets(), false));
        new WorkloadGenerator(setup).generate(driver::apply);
        return driver;
    }

    /** Applies one command whose payload is {@code src[0, length)}. */
    public void apply(final int type, final DirectBuffer src, final int length)
    {
        apply(type, src, 0, length);
    }

    /** Applies one command whose payload is {@code src[offset, offset + length)}. */
    public void apply(final int type, final DirectBuffer src, final int offset, final int length)
    {
        final long next = ++position;
        command.set(next, next, type, CommandEncoder.VERSION, 0, 0, next, src, offset, length);
        exchange.apply(command, output);
    }

    public void place(
        final long orderId, final long account, final int symbol, final int side, final int orderType,
        final long price, final long quantity)
    {
        apply(CommandTypes.PLACE_ORDER, payload,
            encoder.place(payload, 0, orderId, account, symbol, side, orderType, price, quantity));
    }

    public void cancel(final long orderId, final long account)
    {
        apply(CommandTypes.CANCEL_ORDER, payload, encoder.cancel(payload, 0, orderId, account));
    }

    public void move(final long orderId, final long account, final long price)
    {
        apply(CommandTypes.MOVE_ORDER, payload, encoder.move(payload, 0, orderId, account, price));
    }

    public ExchangeStateMachine exchange()
    {
        return exchange;
    }

    public DiscardingOutput output()
    {
        return output;
    }

    /** Commands applied so far. */
    public long position()
    {
        return position;
    }
}
