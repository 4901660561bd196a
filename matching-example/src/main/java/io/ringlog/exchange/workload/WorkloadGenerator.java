package io.ringlog.exchange.workload;

import io.ringlog.core.Command;
import io.ringlog.core.DiscardingOutput;
import io.ringlog.core.Output;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.OrderType;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.event.TradeEventDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Makes a seeded, reproducible stream of exchange commands: instruments, deposits for every account,
 * resting depth around the mid, then order flow in the configured mix. It runs its own
 * {@link ExchangeStateMachine} as a shadow, so moves, reduces and cancels target orders that are
 * really live, passive prices follow the last trade, and the book stays near its configured size.
 * Same config, same seed: same commands, byte for byte.
 */
public final class WorkloadGenerator
{
    /** Receives each generated command: its type and payload (valid only during the call). */
    @FunctionalInterface
    public interface CommandSink
    {
        void command(int type, DirectBuffer payload, int length) throws Exception;
    }

    private final WorkloadConfig config;
    private final SplittableRandom random;
    private final ExchangeStateMachine shadow;
    private final ShadowOutput shadowOutput;
    private final Command command = new Command(64);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
    private final CommandEncoder encoder = new CommandEncoder();
    private final double[] symbolCdf;
    private final double[] kindCdf;
    private final LiveOrders[] live;
    private final long[] kindCounts = new long[WorkloadConfig.KINDS];
    private long position;
    private long nextOrderId = 1;
    private long generated;
    private long setupCommands;

    public WorkloadGenerator(final WorkloadConfig config)
    {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        this.shadow = new ExchangeStateMachine(config.maxAssets(), false);
        this.shadowOutput = new ShadowOutput(config.symbols(), config.midPrice() * config.tickSize());
        this.symbolCdf = cdf(zipf(config.symbols(), config.skew()));
        this.kindCdf = cdf(config.mix());
        this.live = new LiveOrders[config.symbols() + 1];
        for (int s = 1; s <= config.symbols(); s++)
        {
            live[s] = new LiveOrders();
        }
    }

    /** Generates the whole stream into the sink and returns the number of commands. */
    public long generate(final CommandSink sink) throws Exception
    {
        final long tick = config.tickSize();
        for (int s = 1; s <= config.symbols(); s++)
        {
            emit(sink, CommandTypes.ADD_INSTRUMENT, encoder.addInstrument(payload, 0, s, s, 0, tick, config.lotSize()));
        }
        for (long a = 1; a <= config.accounts(); a++)
        {
            emit(sink, CommandTypes.DEPOSIT, encoder.deposit(payload, 0, a, 0, config.quoteDeposit()));
            for (int s = 1; s <= config.symbols(); s++)
            {
                emit(sink, CommandTypes.DEPOSIT, encoder.deposit(payload, 0, a, s, config.baseDeposit()));
            }
        }
        final long mid = config.midPrice();
        for (int s = 1; s <= config.symbols(); s++)
        {
            for (int i = 0; i < config.restingPerSymbol(); i++)
            {
                final int side = i & 1;
                final long ticksAway = 1 + random.nextInt(Math.max(1, config.spreadTicks()));
                final long price = (side == Side.BUY_CODE ? mid - ticksAway : mid + ticksAway) * tick;
                place(sink, s, side, OrderType.GTC_CODE, Math.max(tick, price));
            }
        }
        setupCommands = generated;
        for (long i = 0; i < config.commands(); i++)
        {
            flow(sink, i);
        }
        return generated;
    }

    /**
     * Commands before the order flow starts: instruments, deposits and the prefilled depth. A benchmark
     * applies these first and measures the rest.
     */
    public long setupCommands()
    {
        return setupCommands;
    }

    /** Flow commands generated of each kind (indexed by the {@link WorkloadConfig} kind constants). */
    public long[] kindCounts()
    {
        return kindCounts.clone();
    }

    /** Commands the shadow exchange rejected: near zero for a healthy workload. */
    public long shadowRejections()
    {
        return shadowOutput.rejections();
    }

    /** Trades the shadow exchange made. */
    public long shadowTrades()
    {
        return shadow.lastTradeId();
    }

    /** The shadow exchange after generation: the state a run of the stream should end in. */
    public ExchangeStateMachine shadow()
    {
        return shadow;
    }

    private void flow(final CommandSink sink, final long index) throws Exception
    {
        final int symbol = 1 + pick(symbolCdf);
        final LiveOrders orders = live[symbol];
        if ((index & 31) == 0)
        {
            orders.prune(shadow);
        }
        int kind = pick(kindCdf);
        final int target = config.restingPerSymbol();
        if (kind == WorkloadConfig.CANCEL && orders.count < target * 9 / 10)
        {
            kind = WorkloadConfig.GTC;
        }
        else if (kind == WorkloadConfig.GTC && orders.count > target * 11 / 10 + 1)
        {
            kind = WorkloadConfig.CANCEL;
        }
        final boolean targetsLive = kind == WorkloadConfig.MOVE || kind == WorkloadConfig.REDUCE || kind == WorkloadConfig.CANCEL;
        final int slot = targetsLive ? orders.pickLive(shadow, random) : -1;
        if (targetsLive && slot < 0)
        {
            kind = WorkloadConfig.GTC;
        }
        kindCounts[kind]++;

        final long tick = config.tickSize();
        final long last = shadowOutput.lastPrice[symbol] / tick;
        final int side = random.nextInt(2);
        switch (kind)
        {
            case WorkloadConfig.MOVE:
            {
                final long newPrice = restingPrice(orders.side[slot], last, 50) * tick;
                emit(sink, CommandTypes.MOVE_ORDER,
                    encoder.move(payload, 0, orders.orderId[slot], orders.account[slot], newPrice));
                if (!shadow.isLive(orders.orderId[slot]))
                {
                    orders.remove(slot);
                }
                break;
            }
            case WorkloadConfig.REDUCE:
            {
                final long remaining = shadow.remaining(orders.orderId[slot]);
                final long by = remaining > 1 ? 1 + random.nextLong(remaining - 1) : 1;
                emit(sink, CommandTypes.REDUCE_ORDER, encoder.reduce(payload, 0, orders.orderId[slot], orders.account[slot], by));
                break;
            }
            case WorkloadConfig.CANCEL:
                emit(sink, CommandTypes.CANCEL_ORDER, encoder.cancel(payload, 0, orders.orderId[slot], orders.account[slot]));
                orders.remove(slot);
                break;
            case WorkloadConfig.GTC:
                place(sink, symbol, side, OrderType.GTC_CODE, restingPrice(side, last, 10) * tick);
                break;
            case WorkloadConfig.IOC:
            case WorkloadConfig.FOK:
            {
                final long ticks = 1 + random.nextInt(Math.max(1, config.spreadTicks() / 4));
                final long price = side == Side.BUY_CODE ? last + ticks : Math.max(1, last - ticks);
                place(sink, symbol, side, kind == WorkloadConfig.IOC ? OrderType.IOC_CODE : OrderType.FOK_CODE, price * tick);
                break;
            }
            default:
                place(sink, symbol, side, OrderType.MARKET_CODE, 0);
                break;
        }
    }

    /**
     * A price in ticks for an order that should mostly rest: a few ticks on its own side of the last
     * trade, and one time in {@code crossOneIn} a tick or two across it, which makes trades.
     */
    private long restingPrice(final int side, final long last, final int crossOneIn)
    {
        final long away = random.nextInt(crossOneIn) == 0 ? -random.nextInt(3) :
            1 + random.nextInt(Math.max(1, config.spreadTicks() / 2));
        final long price = side == Side.BUY_CODE ? last - away : last + away;
        return Math.max(1, price);
    }

    private void place(final CommandSink sink, final int symbol, final int side, final int type, final long price)
        throws Exception
    {
        final long orderId = nextOrderId++;
        final long account = 1 + random.nextInt(config.accounts());
        final long quantity = 1 + random.nextInt(config.maxQuantity());
        emit(sink, CommandTypes.PLACE_ORDER, encoder.place(payload, 0, orderId, account, symbol, side, type, price, quantity));
        if (type == OrderType.GTC_CODE && shadow.isLive(orderId))
        {
            live[symbol].add(orderId, account, side);
        }
    }

    private void emit(final CommandSink sink, final int type, final int length) throws Exception
    {
        sink.command(type, payload, length);
        command.set(++position, 0, type, CommandEncoder.VERSION, 0, 0, position, payload, 0, length);
        shadow.apply(command, shadowOutput);
        generated++;
    }

    private int pick(final double[] cdf)
    {
        final double u = random.nextDouble() * cdf[cdf.length - 1];
        int index = Arrays.binarySearch(cdf, u);
        if (index < 0)
        {
            index = -index - 1;
        }
        return Math.min(index, cdf.length - 1);
    }

    private static double[] zipf(final int n, final double exponent)
    {
        final double[] weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            weights[i] = 1.0 / Math.pow(i + 1, exponent);
        }
        return weights;
    }

    private static double[] cdf(final double[] weights)
    {
        final double[] cdf = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++)
        {
            if (weights[i] < 0)
            {
                throw new IllegalArgumentException("weights must not be negative: " + Arrays.toString(weights));
            }
            sum += weights[i];
            cdf[i] = sum;
        }
        if (sum <= 0)
        {
            throw new IllegalArgumentException("weights must not all be zero");
        }
        return cdf;
    }

    /** Orders of one symbol the generator believes live; stale entries are dropped when met. */
    private static final class LiveOrders
    {
        long[] orderId = new long[1024];
        long[] account = new long[1024];
        int[] side = new int[1024];
        int count;

        void add(final long id, final long acct, final int s)
        {
            if (count == orderId.length)
            {
                orderId = Arrays.copyOf(orderId, count * 2);
                account = Arrays.copyOf(account, count * 2);
                side = Arrays.copyOf(side, count * 2);
            }
            orderId[count] = id;
            account[count] = acct;
            side[count] = s;
            count++;
        }

        void remove(final int slot)
        {
            count--;
            orderId[slot] = orderId[count];
            account[slot] = account[count];
            side[slot] = side[count];
        }

        /** A random live order's slot, or -1 when there is none. */
        int pickLive(final ExchangeStateMachine exchange, final SplittableRandom random)
        {
            while (count > 0)
            {
                final int slot = random.nextInt(count);
                if (exchange.isLive(orderId[slot]))
                {
                    return slot;
                }
                remove(slot);
            }
            return -1;
        }

        void prune(final ExchangeStateMachine exchange)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                if (!exchange.isLive(orderId[i]))
                {
                    remove(i);
                }
            }
        }
    }

    /**
     * Swallows the shadow's events, keeping only each symbol's last trade price and the rejections;
     * the engine's rules are checked by the {@link DiscardingOutput} it forwards to.
     */
    private static final class ShadowOutput implements Output
    {
        private final DiscardingOutput rules = new DiscardingOutput(256);
        private final TradeEventDecoder trade = new TradeEventDecoder();
        private final long[] lastPrice;
        private MutableDirectBuffer claimed;
        private int claimedType;

        ShadowOutput(final int symbols, final long startPrice)
        {
            lastPrice = new long[symbols + 1];
            Arrays.fill(lastPrice, startPrice);
        }

        long rejections()
        {
            return rules.rejections();
        }

        @Override
        public void emit(final int type, final DirectBuffer src, final int offset, final int length)
        {
            rules.emit(type, src, offset, length);
            if (type == EventTypes.TRADE)
            {
                trade.wrap(src, offset, length, TradeEventDecoder.SCHEMA_VERSION);
                lastPrice[trade.symbol()] = trade.price();
            }
        }

        @Override
        public MutableDirectBuffer claim(final int type)
        {
            claimed = rules.claim(type);
            claimedType = type;
            return claimed;
        }

        @Override
        public MutableDirectBuffer claimRejection(final int reasonCode)
        {
            claimed = rules.claimRejection(reasonCode);
            claimedType = EventTypes.REJECTED;
            return claimed;
        }

        @Override
        public void commit(final int length)
        {
            rules.commit(length);
            if (claimedType == EventTypes.TRADE)
            {
                trade.wrap(claimed, 0, length, TradeEventDecoder.SCHEMA_VERSION);
                lastPrice[trade.symbol()] = trade.price();
            }
        }
    }
}
