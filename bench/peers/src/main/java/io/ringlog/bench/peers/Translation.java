package io.ringlog.bench.peers;

import exchange.core2.core.common.CoreSymbolSpecification;
import exchange.core2.core.common.OrderAction;
import exchange.core2.core.common.OrderType;
import exchange.core2.core.common.SymbolType;
import exchange.core2.core.common.api.ApiAddUser;
import exchange.core2.core.common.api.ApiAdjustUserBalance;
import exchange.core2.core.common.api.ApiBinaryDataCommand;
import exchange.core2.core.common.api.ApiCancelOrder;
import exchange.core2.core.common.api.ApiCommand;
import exchange.core2.core.common.api.ApiMoveOrder;
import exchange.core2.core.common.api.ApiPlaceOrder;
import exchange.core2.core.common.api.ApiReduceOrder;
import exchange.core2.core.common.api.binary.BatchAddSymbolsCommand;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command file translated to exchange-core's API, once, before anything is timed: the set-up
 * commands (instruments, accounts, deposits, the prefilled book) and the order flow, each a list of
 * {@link ApiCommand}s to submit in order. Built like exchange-core's own throughput test builds its
 * commands, so both are submitted the same way.
 * <p>
 * The mapping (see the module's README for what differs):
 * <ul>
 *   <li>{@code instrument} becomes a {@link CoreSymbolSpecification} of type CURRENCY_EXCHANGE_PAIR, sent as
 *   a binary command: {@code baseScaleK} = lot size and {@code quoteScaleK} = tick size, no fees, so an
 *   exchange-core price counts ticks ({@code price / tick}) and both engines move the same amounts of
 *   each asset per trade.</li>
 *   <li>The first {@code deposit} of an account is preceded by an {@link ApiAddUser} (ringlog opens accounts
 *   on their first deposit; exchange-core needs the user first); every deposit is an
 *   {@link ApiAdjustUserBalance} with the next transaction id of one increasing counter, which keeps each
 *   user's ids increasing as exchange-core demands. A {@code withdraw} is a negative adjustment.</li>
 *   <li>{@code place} GTC and IOC are {@link ApiPlaceOrder}s of the same type; a bid reserves at the highest
 *   price any place or move of the file names (exchange-core's own generator reserves at its maximum
 *   price too), so no move of a bid is refused for exceeding its reservation. FOK becomes FOK_BUDGET (the
 *   only fill-or-kill 0.5.3's order book implements) with budget {@code price × qty} ticks. MARKET becomes
 *   an IOC at the file's highest price (buy) or 0 (sell).</li>
 *   <li>{@code move}, {@code reduce}, {@code cancel} are {@link ApiMoveOrder}, {@link ApiReduceOrder},
 *   {@link ApiCancelOrder}; exchange-core also needs the order's symbol, taken from the latest placement of
 *   that order id in the file (an id never placed gets the only symbol, or 0 when there are several).</li>
 * </ul>
 */
public final class Translation
{
    /** Set-up size when {@link #translate} is asked to find it. */
    public static final int AUTO_SETUP = -1;

    private final List<ApiCommand> setup;
    private final List<ApiCommand> flow;
    private final int setupFileCommands;
    private final int flowFileCommands;
    private final String setupRule;
    private final long maxPriceTicks;
    private final Map<String, Long> flowMapping;
    private final Map<String, Long> setupMapping;

    private Translation(
        final List<ApiCommand> setup,
        final List<ApiCommand> flow,
        final int setupFileCommands,
        final int flowFileCommands,
        final String setupRule,
        final long maxPriceTicks,
        final Map<String, Long> setupMapping,
        final Map<String, Long> flowMapping)
    {
        this.setup = setup;
        this.flow = flow;
        this.setupFileCommands = setupFileCommands;
        this.flowFileCommands = flowFileCommands;
        this.setupRule = setupRule;
        this.maxPriceTicks = maxPriceTicks;
        this.setupMapping = setupMapping;
        this.flowMapping = flowMapping;
    }

    /**
     * Translates the whole file.
     *
     * @param setupCommands how many of the file's first commands are set-up, applied before the timed flow
     *                      ({@code scripts/exchange generate} prints it as {@code setup-commands}); or
     *                      {@link #AUTO_SETUP}: the leading instrument, deposit and withdraw lines and the GTC
     *                      placements that follow them (the prefilled book). That rule can take in a GTC
     *                      placement or two that open the flow; pass the exact count when it matters.
     */
    public static Translation translate(final CommandFile file, final int setupCommands)
    {
        final int setupSize;
        final String rule;
        if (setupCommands == AUTO_SETUP)
        {
            setupSize = autoSetup(file);
            rule = "auto (leading instrument/deposit/withdraw lines, then leading GTC placements)";
        }
        else
        {
            if (setupCommands < 0 || setupCommands > file.size())
            {
                throw new IllegalArgumentException("--setup " + setupCommands + " is outside the file's " + file.size() +
                    " commands");
            }
            setupSize = setupCommands;
            rule = "given";
        }
        final Translator translator = new Translator(file);
        final List<ApiCommand> setup = new ArrayList<>(setupSize + setupSize / 2 + 16);
        for (int row = 0; row < setupSize; row++)
        {
            translator.translate(row, setup);
        }
        final Map<String, Long> setupMapping = translator.takeMapping();
        final List<ApiCommand> flow = new ArrayList<>(file.size() - setupSize);
        for (int row = setupSize; row < file.size(); row++)
        {
            translator.translate(row, flow);
        }
        return new Translation(Collections.unmodifiableList(setup), Collections.unmodifiableList(flow), setupSize,
            file.size() - setupSize, rule, translator.maxPriceTicks, setupMapping, translator.takeMapping());
    }

    private static int autoSetup(final CommandFile file)
    {
        int row = 0;
        while (row < file.size() && isTransferOrInstrument(file.verb(row)))
        {
            row++;
        }
        while (row < file.size() && file.verb(row) == CommandFile.PLACE && file.orderType(row) == CommandFile.GTC)
        {
            row++;
        }
        return row;
    }

    private static boolean isTransferOrInstrument(final byte verb)
    {
        return verb == CommandFile.INSTRUMENT || verb == CommandFile.DEPOSIT || verb == CommandFile.WITHDRAW;
    }

    /** The set-up, in order: applied before the timed section. */
    public List<ApiCommand> setup()
    {
        return setup;
    }

    /** The order flow, in order: the timed commands. */
    public List<ApiCommand> flow()
    {
        return flow;
    }

    /** File commands in the set-up. */
    public int setupFileCommands()
    {
        return setupFileCommands;
    }

    /** File commands in the flow; {@link #flow()} is longer only if the flow opens accounts. */
    public int flowFileCommands()
    {
        return flowFileCommands;
    }

    /** How the set-up size was chosen. */
    public String setupRule()
    {
        return setupRule;
    }

    /** The reservation price of every bid, in ticks. */
    public long maxPriceTicks()
    {
        return maxPriceTicks;
    }

    /** File command kinds of the set-up, each with what it became and how often. */
    public Map<String, Long> setupMapping()
    {
        return setupMapping;
    }

    /** File command kinds of the flow, each with what it became and how often. */
    public Map<String, Long> flowMapping()
    {
        return flowMapping;
    }

    /** Walks the file once, turning rows into API commands; holds what later rows need from earlier ones. */
    private static final class Translator
    {
        private final CommandFile file;
        private final Int2ObjectHashMap<CommandFile.Instrument> instruments = new Int2ObjectHashMap<>();
        private final Long2LongHashMap symbolOfOrder = new Long2LongHashMap(1 << 16, 0.65f, -1);
        private final LongHashSet users = new LongHashSet();
        private final long maxPriceTicks;
        private final int onlySymbol;
        private Map<String, Long> mapping = new LinkedHashMap<>();
        private long transactionId;
        private int transferId;

        Translator(final CommandFile file)
        {
            this.file = file;
            long maxPrice = 1;
            int symbols = 0;
            int lastSymbol = 0;
            for (int row = 0; row < file.size(); row++)
            {
                final byte verb = file.verb(row);
                if (verb == CommandFile.INSTRUMENT)
                {
                    final CommandFile.Instrument instrument = file.instrument(row);
                    if (instrument.tickSize() <= 0 || instrument.lotSize() <= 0)
                    {
                        throw new IllegalArgumentException("command " + (row + 1) + ": instrument " + instrument.symbol() +
                            " needs positive tick and lot sizes");
                    }
                    instruments.put(instrument.symbol(), instrument);
                    symbols++;
                    lastSymbol = instrument.symbol();
                }
            }
            for (int row = 0; row < file.size(); row++)
            {
                final byte verb = file.verb(row);
                if (verb == CommandFile.PLACE)
                {
                    symbolOfOrder.put(file.orderId(row), file.symbol(row));
                    if (file.orderType(row) != CommandFile.MARKET)
                    {
                        maxPrice = Math.max(maxPrice, file.price(row) / tickOf(file.symbol(row)));
                    }
                }
                else if (verb == CommandFile.MOVE)
                {
                    final long symbol = symbolOfOrder.get(file.orderId(row));
                    maxPrice = Math.max(maxPrice, file.price(row) / tickOf(symbol < 0 ? 0 : (int)symbol));
                }
            }
            symbolOfOrder.clear();
            this.maxPriceTicks = maxPrice;
            this.onlySymbol = symbols == 1 ? lastSymbol : 0;
        }

        Map<String, Long> takeMapping()
        {
            final Map<String, Long> taken = Collections.unmodifiableMap(mapping);
            mapping = new LinkedHashMap<>();
            return taken;
        }

        void translate(final int row, final List<ApiCommand> out)
        {
            switch (file.verb(row))
            {
                case CommandFile.INSTRUMENT -> instrument(file.instrument(row), out);
                case CommandFile.DEPOSIT -> transfer(row, file.price(row), out);
                case CommandFile.WITHDRAW -> transfer(row, -file.price(row), out);
                case CommandFile.PLACE -> place(row, out);
                case CommandFile.CANCEL ->
                {
                    count("cancel -> ApiCancelOrder");
                    out.add(ApiCancelOrder.builder().orderId(file.orderId(row)).uid(file.account(row))
                        .symbol(symbolOf(file.orderId(row))).build());
                }
                case CommandFile.REDUCE ->
                {
                    count("reduce -> ApiReduceOrder");
                    out.add(ApiReduceOrder.builder().orderId(file.orderId(row)).uid(file.account(row))
                        .symbol(symbolOf(file.orderId(row))).reduceSize(file.quantity(row)).build());
                }
                case CommandFile.MOVE ->
                {
                    count("move -> ApiMoveOrder");
                    final int symbol = symbolOf(file.orderId(row));
                    out.add(ApiMoveOrder.builder().orderId(file.orderId(row)).uid(file.account(row)).symbol(symbol)
                        .newPrice(ticks(row, file.price(row), symbol)).build());
                }
                default -> throw new IllegalStateException("command " + (row + 1) + ": unknown verb " + file.verb(row));
            }
        }

        private void instrument(final CommandFile.Instrument instrument, final List<ApiCommand> out)
        {
            count("instrument -> CoreSymbolSpecification (binary command)");
            final CoreSymbolSpecification spec = CoreSymbolSpecification.builder()
                .symbolId(instrument.symbol())
                .type(SymbolType.CURRENCY_EXCHANGE_PAIR)
                .baseCurrency(instrument.baseAsset())
                .quoteCurrency(instrument.quoteAsset())
                .baseScaleK(instrument.lotSize())
                .quoteScaleK(instrument.tickSize())
                .takerFee(0)
                .makerFee(0)
                .build();
            out.add(ApiBinaryDataCommand.builder().transferId(++transferId).data(new BatchAddSymbolsCommand(spec)).build());
        }

        private void transfer(final int row, final long amount, final List<ApiCommand> out)
        {
            final long uid = file.account(row);
            if (amount > 0 && users.add(uid))
            {
                count("deposit (first of an account) -> ApiAddUser + ApiAdjustUserBalance");
                out.add(ApiAddUser.builder().uid(uid).build());
            }
            else
            {
                count(file.verb(row) == CommandFile.DEPOSIT ? "deposit -> ApiAdjustUserBalance" :
                    "withdraw -> ApiAdjustUserBalance (negative)");
            }
            out.add(ApiAdjustUserBalance.builder().uid(uid).currency(file.symbol(row)).amount(amount)
                .transactionId(++transactionId).build());
        }

        private void place(final int row, final List<ApiCommand> out)
        {
            final long orderId = file.orderId(row);
            final int symbol = file.symbol(row);
            final long size = file.quantity(row);
            final boolean bid = file.side(row) == CommandFile.BUY;
            final OrderAction action = bid ? OrderAction.BID : OrderAction.ASK;
            final OrderType type;
            final long price;
            final long reserve;
            switch (file.orderType(row))
            {
                case CommandFile.GTC, CommandFile.IOC ->
                {
                    final boolean gtc = file.orderType(row) == CommandFile.GTC;
                    count(gtc ? "place GTC -> ApiPlaceOrder GTC" : "place IOC -> ApiPlaceOrder IOC");
                    type = gtc ? OrderType.GTC : OrderType.IOC;
                    price = ticks(row, file.price(row), symbol);
                    reserve = bid ? maxPriceTicks : 0;
                }
                case CommandFile.FOK ->
                {
                    count("place FOK -> ApiPlaceOrder FOK_BUDGET (budget price x qty)");
                    type = OrderType.FOK_BUDGET;
                    price = multiply(row, ticks(row, file.price(row), symbol), size);
                    reserve = bid ? price : 0;
                }
                case CommandFile.MARKET ->
                {
                    count("place MARKET -> ApiPlaceOrder IOC at the price bound");
                    type = OrderType.IOC;
                    price = bid ? maxPriceTicks : 0;
                    reserve = bid ? maxPriceTicks : 0;
                }
                default -> throw new IllegalArgumentException("command " + (row + 1) + ": unknown order type " +
                    file.orderType(row));
            }
            symbolOfOrder.put(orderId, symbol);
            out.add(ApiPlaceOrder.builder().orderId(orderId).uid(file.account(row)).symbol(symbol).action(action)
                .orderType(type).price(price).reservePrice(reserve).size(size).build());
        }

        private int symbolOf(final long orderId)
        {
            final long symbol = symbolOfOrder.get(orderId);
            if (symbol < 0)
            {
                count("(cancel/reduce/move of an order id never placed)");
                return onlySymbol;
            }
            return (int)symbol;
        }

        private long tickOf(final int symbol)
        {
            final CommandFile.Instrument instrument = instruments.get(symbol);
            return instrument != null ? instrument.tickSize() : 1;
        }

        /**
         * A file price in ticks. exchange-core has no tick grid to reject an off-grid price against, so such a
         * file cannot be reproduced faithfully: refuse it rather than round.
         */
        private long ticks(final int row, final long price, final int symbol)
        {
            final long tick = tickOf(symbol);
            if (price % tick != 0)
            {
                throw new IllegalArgumentException("command " + (row + 1) + ": price " + price + " is not a multiple of " +
                    "tick " + tick + "; exchange-core cannot reject off-grid prices as ringlog does");
            }
            return price / tick;
        }

        private static long multiply(final int row, final long a, final long b)
        {
            try
            {
                return Math.multiplyExact(a, b);
            }
            catch (final ArithmeticException ex)
            {
                throw new IllegalArgumentException("command " + (row + 1) + ": FOK budget " + a + " x " + b + " overflows", ex);
            }
        }

        private void count(final String what)
        {
            mapping.merge(what, 1L, Long::sum);
        }
    }
}
