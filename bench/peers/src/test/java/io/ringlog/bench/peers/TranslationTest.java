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
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranslationTest
{
    private static final String SETUP = """
        instrument sym=3 base=1 quote=0 tick=5 lot=100
        deposit acct=1 asset=0 amount=1000
        deposit acct=1 asset=1 amount=2000
        deposit acct=2 asset=0 amount=3000
        place oid=10 acct=1 sym=3 side=SELL type=GTC price=500 qty=2
        place oid=11 acct=2 sym=3 side=BUY type=GTC price=450 qty=1
        """;

    private static Translation translate(final String text, final int setup) throws IOException
    {
        return Translation.translate(CommandFile.read(new BufferedReader(new StringReader(text))), setup);
    }

    @Test
    void shouldTurnAnInstrumentIntoAnExchangePairCountingTicks() throws IOException
    {
        final Translation translation = translate(SETUP, Translation.AUTO_SETUP);
        final ApiBinaryDataCommand binary = assertInstanceOf(ApiBinaryDataCommand.class, translation.setup().get(0));
        final CoreSymbolSpecification spec =
            ((BatchAddSymbolsCommand)binary.data).getSymbols().get(3);
        assertEquals(SymbolType.CURRENCY_EXCHANGE_PAIR, spec.type);
        assertEquals(1, spec.baseCurrency);
        assertEquals(0, spec.quoteCurrency);
        assertEquals(100, spec.baseScaleK, "a lot is baseScaleK base units");
        assertEquals(5, spec.quoteScaleK, "a price tick is quoteScaleK quote units");
        assertEquals(0, spec.takerFee);
        assertEquals(0, spec.makerFee);
    }

    @Test
    void shouldAddEachUserBeforeItsFirstDepositWithIncreasingTransactionIds() throws IOException
    {
        final List<ApiCommand> setup = translate(SETUP, Translation.AUTO_SETUP).setup();
        assertEquals(1, assertInstanceOf(ApiAddUser.class, setup.get(1)).uid);
        final ApiAdjustUserBalance first = assertInstanceOf(ApiAdjustUserBalance.class, setup.get(2));
        final ApiAdjustUserBalance second = assertInstanceOf(ApiAdjustUserBalance.class, setup.get(3));
        assertEquals(2, assertInstanceOf(ApiAddUser.class, setup.get(4)).uid);
        final ApiAdjustUserBalance third = assertInstanceOf(ApiAdjustUserBalance.class, setup.get(5));
        assertEquals(1000, first.amount);
        assertEquals(0, first.currency);
        assertEquals(2000, second.amount);
        assertEquals(1, second.currency);
        assertEquals(3000, third.amount);
        assertTrue(first.transactionId < second.transactionId && second.transactionId < third.transactionId);
    }

    @Test
    void shouldSplitSetupFromFlowAtTheFirstCommandThatIsNotATransferOrAGtcPlace() throws IOException
    {
        final Translation auto = translate(SETUP + "move oid=10 acct=1 price=495\nplace oid=12 acct=2 sym=3 side=BUY " +
            "type=GTC price=455 qty=1\n", Translation.AUTO_SETUP);
        assertEquals(6, auto.setupFileCommands());
        assertEquals(2, auto.flowFileCommands());
        assertEquals(2, auto.flow().size());

        final Translation given = translate(SETUP + "move oid=10 acct=1 price=495\n", 4);
        assertEquals(4, given.setupFileCommands());
        assertEquals(3, given.flowFileCommands());
        assertEquals("given", given.setupRule());
    }

    @Test
    void shouldPlaceInTicksAndReserveBidsAtTheHighestPriceOfTheFile() throws IOException
    {
        final Translation translation = translate(SETUP + "move oid=11 acct=2 price=600\n", Translation.AUTO_SETUP);
        assertEquals(120, translation.maxPriceTicks(), "the move to 600 is the highest price: 120 ticks of 5");

        final ApiPlaceOrder ask = assertInstanceOf(ApiPlaceOrder.class, translation.setup().get(6));
        assertEquals(OrderAction.ASK, ask.action);
        assertEquals(OrderType.GTC, ask.orderType);
        assertEquals(100, ask.price);
        assertEquals(2, ask.size);
        assertEquals(0, ask.reservePrice);
        assertEquals(3, ask.symbol);

        final ApiPlaceOrder bid = assertInstanceOf(ApiPlaceOrder.class, translation.setup().get(7));
        assertEquals(OrderAction.BID, bid.action);
        assertEquals(90, bid.price);
        assertEquals(120, bid.reservePrice);

        final ApiMoveOrder move = assertInstanceOf(ApiMoveOrder.class, translation.flow().get(0));
        assertEquals(11, move.orderId);
        assertEquals(2, move.uid);
        assertEquals(3, move.symbol, "the symbol of the order's placement");
        assertEquals(120, move.newPrice);
    }

    @Test
    void shouldMapFokToABudgetAndMarketToAnIocAtThePriceBound() throws IOException
    {
        final List<ApiCommand> flow = translate(SETUP + """
            place oid=20 acct=2 sym=3 side=BUY type=FOK price=500 qty=3
            place oid=21 acct=1 sym=3 side=SELL type=FOK price=450 qty=2
            place oid=22 acct=2 sym=3 side=BUY type=MARKET qty=4
            place oid=23 acct=1 sym=3 side=SELL type=MARKET qty=4
            place oid=24 acct=1 sym=3 side=SELL type=IOC price=455 qty=1
            """, 6).flow();

        final ApiPlaceOrder fokBuy = (ApiPlaceOrder)flow.get(0);
        assertEquals(OrderType.FOK_BUDGET, fokBuy.orderType);
        assertEquals(300, fokBuy.price, "budget: 100 ticks x 3");
        assertEquals(300, fokBuy.reservePrice, "exchange-core requires a budget bid's reserve to equal its budget");
        final ApiPlaceOrder fokSell = (ApiPlaceOrder)flow.get(1);
        assertEquals(180, fokSell.price, "least proceeds: 90 ticks x 2");
        assertEquals(0, fokSell.reservePrice);

        final ApiPlaceOrder marketBuy = (ApiPlaceOrder)flow.get(2);
        assertEquals(OrderType.IOC, marketBuy.orderType);
        assertEquals(100, marketBuy.price, "the highest price of the file, 500 = 100 ticks");
        assertEquals(100, marketBuy.reservePrice);
        final ApiPlaceOrder marketSell = (ApiPlaceOrder)flow.get(3);
        assertEquals(OrderType.IOC, marketSell.orderType);
        assertEquals(0, marketSell.price);

        final ApiPlaceOrder ioc = (ApiPlaceOrder)flow.get(4);
        assertEquals(OrderType.IOC, ioc.orderType);
        assertEquals(91, ioc.price);
    }

    @Test
    void shouldGiveCancelsAndReducesTheSymbolOfTheOrder() throws IOException
    {
        final List<ApiCommand> flow = translate(SETUP + """
            reduce oid=10 acct=1 by=1
            cancel oid=10 acct=1
            cancel oid=999 acct=1
            """, 6).flow();
        final ApiReduceOrder reduce = (ApiReduceOrder)flow.get(0);
        assertEquals(10, reduce.orderId);
        assertEquals(1, reduce.reduceSize);
        assertEquals(3, reduce.symbol);
        final ApiCancelOrder cancel = (ApiCancelOrder)flow.get(1);
        assertEquals(3, cancel.symbol);
        assertEquals(1, cancel.uid);
        assertEquals(3, ((ApiCancelOrder)flow.get(2)).symbol, "an id never placed gets the file's only symbol");
    }

    @Test
    void shouldCountWhatEachKindBecame() throws IOException
    {
        final Translation translation = translate(SETUP + "move oid=10 acct=1 price=495\nmove oid=11 acct=2 price=455\n",
            Translation.AUTO_SETUP);
        assertEquals(2L, translation.flowMapping().get("move -> ApiMoveOrder"));
        assertEquals(2L, translation.setupMapping().get("place GTC -> ApiPlaceOrder GTC"));
        assertEquals(2L, translation.setupMapping().get("deposit (first of an account) -> ApiAddUser + ApiAdjustUserBalance"));
        assertEquals(1L, translation.setupMapping().get("deposit -> ApiAdjustUserBalance"));
    }

    @Test
    void shouldRefuseAnOffGridPriceRatherThanRoundIt()
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> translate(SETUP + "place oid=30 acct=1 sym=3 side=SELL type=GTC price=502 qty=1\n", 6));
        assertTrue(error.getMessage().contains("not a multiple of tick 5"), error.getMessage());
    }
}
