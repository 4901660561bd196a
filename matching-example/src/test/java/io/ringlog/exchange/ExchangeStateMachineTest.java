package io.ringlog.exchange;

import io.ringlog.exchange.codec.CommandTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ringlog.exchange.ExchangeHarness.only;
import static io.ringlog.exchange.OrderType.FOK;
import static io.ringlog.exchange.OrderType.GTC;
import static io.ringlog.exchange.OrderType.IOC;
import static io.ringlog.exchange.OrderType.MARKET;
import static io.ringlog.exchange.Side.BUY;
import static io.ringlog.exchange.Side.SELL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every order type and edge case, on one instrument: symbol 1 trades base asset 1 (lot = 100 units)
 * against quote asset 0 (tick = 10 quote units per lot). Accounts 1 to 4 start with 1,000,000 quote
 * and 1,000 lots of base.
 */
class ExchangeStateMachineTest
{
    private static final int SYM = 1;
    private static final int QUOTE = 0;
    private static final int BASE = 1;
    private static final long QUOTE_START = 1_000_000;
    private static final long BASE_START = 100_000;

    private ExchangeHarness ex;

    @BeforeEach
    void setUp()
    {
        ex = new ExchangeHarness();
        assertEquals(List.of("instrument sym=1 base=1 quote=0 tick=10 lot=100"), ex.instrument(SYM, BASE, QUOTE, 10, 100));
        for (long account = 1; account <= 4; account++)
        {
            ex.deposit(account, QUOTE, QUOTE_START);
            ex.deposit(account, BASE, BASE_START);
        }
    }

    @Test
    void shouldRestGtcOrderAndReserveQuote()
    {
        assertEquals(List.of(
            "accepted oid=1 acct=1 sym=1 side=BUY type=GTC price=100 qty=5",
            "book sym=1 side=BUY price=100 qty=5 orders=1",
            "balance acct=1 asset=0 free=999500 reserved=500"),
            ex.place(1, 1, SYM, BUY, GTC, 100, 5));
        assertEquals(List.of("100:5/1"), ex.levels(SYM, BUY));
    }

    @Test
    void shouldReserveBaseForSellOrder()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 5);
        assertEquals(BASE_START - 500, ex.exchange.free(1, BASE));
        assertEquals(500, ex.exchange.reserved(1, BASE));
        assertEquals(QUOTE_START, ex.exchange.free(1, QUOTE));
    }

    @Test
    void shouldTradeAtMakerPriceAndRefundPriceImprovement()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 5);
        assertEquals(List.of(
            "accepted oid=2 acct=2 sym=1 side=BUY type=GTC price=120 qty=5",
            "trade id=1 sym=1 price=100 qty=5 maker=1 taker=2 makerAcct=1 takerAcct=2 takerSide=BUY makerLeft=0 takerLeft=0",
            "book sym=1 side=SELL price=100 qty=0 orders=0",
            "balance acct=2 asset=0 free=999500 reserved=0",
            "balance acct=2 asset=1 free=100500 reserved=0",
            "balance acct=1 asset=1 free=99500 reserved=0",
            "balance acct=1 asset=0 free=1000500 reserved=0"),
            ex.place(2, 2, SYM, BUY, GTC, 120, 5));
        assertEquals(List.of(), ex.levels(SYM, SELL));
        assertEquals(List.of(), ex.levels(SYM, BUY));
        assertEquals(0, ex.exchange.liveOrders());
    }

    @Test
    void shouldFillPartiallyAndRestTheRemainder()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 3);
        final List<String> lines = ex.place(2, 2, SYM, BUY, GTC, 100, 5);
        assertEquals(List.of(
            "trade id=1 sym=1 price=100 qty=3 maker=1 taker=2 makerAcct=1 takerAcct=2 takerSide=BUY makerLeft=0 takerLeft=2"),
            only("trade", lines));
        assertEquals(List.of("100:2/1"), ex.levels(SYM, BUY));
        assertEquals(200, ex.exchange.reserved(2, QUOTE));
        assertEquals(2, ex.exchange.remaining(2));
    }

    @Test
    void shouldFillMakerPartiallyAndKeepItFirstInQueue()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 5);
        ex.place(2, 2, SYM, SELL, GTC, 100, 5);
        ex.place(3, 3, SYM, BUY, IOC, 100, 2);
        assertEquals(List.of("1:3", "2:5"), ex.queue(SYM, SELL));
        assertEquals(300, ex.exchange.reserved(1, BASE));
    }

    @Test
    void shouldMatchByPriceThenTimeAcrossLevels()
    {
        ex.place(1, 1, SYM, SELL, GTC, 110, 2);
        ex.place(2, 2, SYM, SELL, GTC, 100, 2);
        ex.place(3, 3, SYM, SELL, GTC, 100, 2);
        ex.place(4, 1, SYM, SELL, GTC, 90, 1);
        final List<String> trades = only("trade", ex.place(5, 4, SYM, BUY, IOC, 110, 6));
        assertEquals(List.of(
            "trade id=1 sym=1 price=90 qty=1 maker=4 taker=5 makerAcct=1 takerAcct=4 takerSide=BUY makerLeft=0 takerLeft=5",
            "trade id=2 sym=1 price=100 qty=2 maker=2 taker=5 makerAcct=2 takerAcct=4 takerSide=BUY makerLeft=0 takerLeft=3",
            "trade id=3 sym=1 price=100 qty=2 maker=3 taker=5 makerAcct=3 takerAcct=4 takerSide=BUY makerLeft=0 takerLeft=1",
            "trade id=4 sym=1 price=110 qty=1 maker=1 taker=5 makerAcct=1 takerAcct=4 takerSide=BUY makerLeft=1 takerLeft=0"),
            trades);
        assertEquals(List.of("110:1/1"), ex.levels(SYM, SELL));
    }

    @Test
    void shouldWalkBidsFromHighestPriceForIncomingSell()
    {
        ex.place(1, 1, SYM, BUY, GTC, 90, 1);
        ex.place(2, 2, SYM, BUY, GTC, 110, 1);
        ex.place(3, 3, SYM, BUY, GTC, 100, 1);
        assertEquals(List.of("110:1/1", "100:1/1", "90:1/1"), ex.levels(SYM, BUY));
        final List<String> trades = only("trade", ex.place(4, 4, SYM, SELL, GTC, 100, 3));
        assertEquals(2, trades.size());
        assertTrue(trades.get(0).contains("price=110 qty=1 maker=2"));
        assertTrue(trades.get(1).contains("price=100 qty=1 maker=3"));
        assertEquals(List.of("100:1/1"), ex.levels(SYM, SELL));
        assertEquals(List.of("90:1/1"), ex.levels(SYM, BUY));
    }

    @Test
    void shouldCancelIocRemainder()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 2);
        final List<String> lines = ex.place(2, 2, SYM, BUY, IOC, 100, 5);
        assertEquals(1, only("trade", lines).size());
        assertEquals(List.of("cancelled oid=2 acct=2 sym=1 side=BUY price=100 qty=3 reason=UNFILLED"),
            only("cancelled", lines));
        assertEquals(List.of(), ex.levels(SYM, BUY));
        assertEquals(0, ex.exchange.reserved(2, QUOTE));
        assertEquals(QUOTE_START - 200, ex.exchange.free(2, QUOTE));
        assertFalse(ex.exchange.isLive(2));
    }

    @Test
    void shouldCancelWholeIocThatDoesNotCross()
    {
        ex.place(1, 1, SYM, SELL, GTC, 110, 2);
        final List<String> lines = ex.place(2, 2, SYM, BUY, IOC, 100, 5);
        assertEquals(List.of(
            "accepted oid=2 acct=2 sym=1 side=BUY type=IOC price=100 qty=5",
            "cancelled oid=2 acct=2 sym=1 side=BUY price=100 qty=5 reason=UNFILLED",
            "balance acct=2 asset=0 free=1000000 reserved=0"), lines);
    }

    @Test
    void shouldRejectFokThatCannotFillCompletelyAndChangeNothing()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 2);
        ex.place(2, 2, SYM, SELL, GTC, 110, 2);
        final long hash = ex.exchange.stateHash();
        assertEquals(List.of("rejected reason=CANNOT_FILL cmd=place oid=3 acct=3 sym=1"), ex.place(3, 3, SYM, BUY, FOK, 100, 3));
        assertEquals(hash, ex.exchange.stateHash());
        assertEquals(List.of("100:2/1", "110:2/1"), ex.levels(SYM, SELL));
        assertEquals(QUOTE_START, ex.exchange.free(3, QUOTE));
    }

    @Test
    void shouldFillFokCompletelyAcrossLevels()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 2);
        ex.place(2, 2, SYM, SELL, GTC, 110, 2);
        final List<String> lines = ex.place(3, 3, SYM, BUY, FOK, 110, 3);
        assertEquals(2, only("trade", lines).size());
        assertEquals(List.of(), only("cancelled", lines));
        assertEquals(List.of("110:1/1"), ex.levels(SYM, SELL));
        assertEquals(QUOTE_START - 200 - 110, ex.exchange.free(3, QUOTE));
        assertEquals(0, ex.exchange.reserved(3, QUOTE));
    }

    @Test
    void shouldNotCountOwnOrdersAsFokDepth()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 2);
        ex.place(2, 2, SYM, SELL, GTC, 100, 2);
        assertEquals(List.of("rejected reason=CANNOT_FILL cmd=place oid=3 acct=1 sym=1 "),
            List.of(ex.place(3, 1, SYM, BUY, FOK, 100, 3).get(0) + " "));
        assertEquals(List.of("1:2", "2:2"), ex.queue(SYM, SELL));
    }

    @Test
    void shouldSweepThinBookWithMarketBuyAndCancelRemainder()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 2);
        ex.place(2, 2, SYM, SELL, GTC, 110, 1);
        final List<String> lines = ex.place(3, 3, SYM, BUY, MARKET, 0, 5);
        assertEquals("accepted oid=3 acct=3 sym=1 side=BUY type=MARKET price=0 qty=5", lines.get(0));
        assertEquals(2, only("trade", lines).size());
        assertEquals(List.of("cancelled oid=3 acct=3 sym=1 side=BUY price=0 qty=2 reason=UNFILLED"),
            only("cancelled", lines));
        assertEquals(List.of(), ex.levels(SYM, SELL));
        assertEquals(QUOTE_START - 310, ex.exchange.free(3, QUOTE));
        assertEquals(BASE_START + 300, ex.exchange.free(3, BASE));
    }

    @Test
    void shouldCancelMarketOrderAgainstEmptyBook()
    {
        final List<String> lines = ex.place(1, 1, SYM, SELL, MARKET, 0, 5);
        assertEquals(List.of("cancelled oid=1 acct=1 sym=1 side=SELL price=0 qty=5 reason=UNFILLED"),
            only("cancelled", lines));
        assertEquals(BASE_START, ex.exchange.free(1, BASE));
        assertEquals(0, ex.exchange.reserved(1, BASE));
    }

    @Test
    void shouldSweepBidsWithMarketSell()
    {
        ex.place(1, 1, SYM, BUY, GTC, 100, 1);
        ex.place(2, 2, SYM, BUY, GTC, 90, 1);
        final List<String> lines = ex.place(3, 3, SYM, SELL, MARKET, 0, 3);
        assertEquals(2, only("trade", lines).size());
        assertEquals(1, only("cancelled", lines).size());
        assertEquals(QUOTE_START + 190, ex.exchange.free(3, QUOTE));
        assertEquals(BASE_START - 200, ex.exchange.free(3, BASE));
        assertEquals(0, ex.exchange.reserved(3, BASE));
    }

    @Test
    void shouldStopMarketBuyWhenFreeQuoteRunsOut()
    {
        ex.deposit(5, QUOTE, 250);
        ex.place(1, 1, SYM, SELL, GTC, 100, 2);
        ex.place(2, 2, SYM, SELL, GTC, 110, 2);
        final List<String> lines = ex.place(3, 5, SYM, BUY, MARKET, 0, 4);
        assertEquals(1, only("trade", lines).size());
        assertEquals(List.of("cancelled oid=3 acct=5 sym=1 side=BUY price=0 qty=2 reason=INSUFFICIENT_FUNDS"),
            only("cancelled", lines));
        assertEquals(50, ex.exchange.free(5, QUOTE));
        assertEquals(200, ex.exchange.free(5, BASE));
        assertEquals(List.of("110:2/1"), ex.levels(SYM, SELL));
        // A BOOK_CHANGED for the level it traded at, none for the level it stopped at untouched (a reviewer's finding).
        assertEquals(1, only("book", lines).size(), lines.toString());
    }

    @Test
    void shouldStopMarketBuyInsideALevelWhenFundsRunOut()
    {
        ex.deposit(5, QUOTE, 250);
        ex.place(1, 1, SYM, SELL, GTC, 100, 5);
        final List<String> lines = ex.place(2, 5, SYM, BUY, MARKET, 0, 4);
        assertEquals(List.of(
            "trade id=1 sym=1 price=100 qty=2 maker=1 taker=2 makerAcct=1 takerAcct=5 takerSide=BUY makerLeft=3 takerLeft=2"),
            only("trade", lines));
        assertEquals(List.of("100:3/1"), ex.levels(SYM, SELL));
        assertEquals(50, ex.exchange.free(5, QUOTE));
    }

    @Test
    void shouldRejectMarketBuyThatCannotPayForOneLot()
    {
        ex.deposit(5, QUOTE, 50);
        ex.place(1, 1, SYM, SELL, GTC, 100, 2);
        assertEquals(List.of("rejected reason=INSUFFICIENT_FUNDS cmd=place oid=2 acct=5 sym=1"),
            ex.place(2, 5, SYM, BUY, MARKET, 0, 1));
    }

    @Test
    void shouldSendMovedOrderToBackOfQueue()
    {
        ex.place(1, 1, SYM, BUY, GTC, 100, 1);
        ex.place(2, 2, SYM, BUY, GTC, 100, 1);
        assertEquals(List.of(
            "book sym=1 side=BUY price=100 qty=1 orders=1",
            "moved oid=1 acct=1 sym=1 side=BUY from=100 to=100 left=1",
            "book sym=1 side=BUY price=100 qty=2 orders=2"), ex.move(1, 1, 100));
        assertEquals(List.of("2:1", "1:1"), ex.queue(SYM, BUY));
        final List<String> trades = only("trade", ex.place(3, 3, SYM, SELL, IOC, 100, 1));
        assertTrue(trades.get(0).contains("maker=2"));
    }

    @Test
    void shouldMoveToNewLevelAndAdjustReservation()
    {
        ex.place(1, 1, SYM, BUY, GTC, 100, 3);
        ex.move(1, 1, 80);
        assertEquals(List.of("80:3/1"), ex.levels(SYM, BUY));
        assertEquals(240, ex.exchange.reserved(1, QUOTE));
        assertEquals(QUOTE_START - 240, ex.exchange.free(1, QUOTE));
        ex.place(2, 1, SYM, SELL, GTC, 200, 1);
        ex.move(2, 1, 150);
        assertEquals(List.of("150:1/1"), ex.levels(SYM, SELL));
        assertEquals(100, ex.exchange.reserved(1, BASE));
    }

    @Test
    void shouldMatchWhenMoveCrossesTheSpread()
    {
        ex.place(1, 1, SYM, SELL, GTC, 110, 2);
        ex.place(2, 2, SYM, BUY, GTC, 100, 3);
        final List<String> lines = ex.move(2, 2, 110);
        assertEquals(List.of("moved oid=2 acct=2 sym=1 side=BUY from=100 to=110 left=3"), only("moved", lines));
        assertEquals(List.of(
            "trade id=1 sym=1 price=110 qty=2 maker=1 taker=2 makerAcct=1 takerAcct=2 takerSide=BUY makerLeft=0 takerLeft=1"),
            only("trade", lines));
        assertEquals(List.of("110:1/1"), ex.levels(SYM, BUY));
        assertEquals(List.of(), ex.levels(SYM, SELL));
        assertEquals(110, ex.exchange.reserved(2, QUOTE));
        assertEquals(QUOTE_START - 220 - 110, ex.exchange.free(2, QUOTE));
    }

    @Test
    void shouldRemoveOrderFilledCompletelyByMove()
    {
        ex.place(1, 1, SYM, BUY, GTC, 100, 2);
        ex.place(2, 2, SYM, SELL, GTC, 120, 2);
        ex.move(2, 2, 100);
        assertFalse(ex.exchange.isLive(1));
        assertFalse(ex.exchange.isLive(2));
        assertEquals(0, ex.exchange.liveOrders());
        assertEquals(List.of("rejected reason=UNKNOWN_ORDER cmd=move oid=2 acct=2"), ex.move(2, 2, 110));
    }

    @Test
    void shouldRejectMoveThatNeedsMoreQuoteThanFree()
    {
        ex.deposit(5, QUOTE, 100);
        ex.place(1, 5, SYM, BUY, GTC, 100, 1);
        final long hash = ex.exchange.stateHash();
        assertEquals(List.of("rejected reason=INSUFFICIENT_FUNDS cmd=move oid=1 acct=5 sym=1"), ex.move(1, 5, 110));
        assertEquals(hash, ex.exchange.stateHash());
        assertEquals(List.of("rejected reason=BAD_PRICE cmd=move oid=1 acct=5 sym=1"), ex.move(1, 5, 95));
        assertEquals(List.of("rejected reason=NOT_OWNER cmd=move oid=1 acct=1"), ex.move(1, 1, 90));
    }

    @Test
    void shouldReduceQuantityAndKeepPriority()
    {
        ex.place(1, 1, SYM, BUY, GTC, 100, 5);
        ex.place(2, 2, SYM, BUY, GTC, 100, 1);
        assertEquals(List.of(
            "book sym=1 side=BUY price=100 qty=4 orders=2",
            "reduced oid=1 acct=1 sym=1 side=BUY price=100 by=2 left=3",
            "balance acct=1 asset=0 free=999700 reserved=300"), ex.reduce(1, 1, 2));
        assertEquals(List.of("1:3", "2:1"), ex.queue(SYM, BUY));
    }

    @Test
    void shouldRemoveOrderReducedByItsWholeQuantity()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 5);
        final List<String> lines = ex.reduce(1, 1, 9);
        assertEquals(List.of("reduced oid=1 acct=1 sym=1 side=SELL price=100 by=5 left=0"), only("reduced", lines));
        assertEquals(List.of("book sym=1 side=SELL price=100 qty=0 orders=0"), only("book", lines));
        assertFalse(ex.exchange.isLive(1));
        assertEquals(0, ex.exchange.reserved(1, BASE));
        assertEquals(List.of("rejected reason=BAD_QUANTITY cmd=reduce oid=2 acct=1 sym=1"),
            only("rejected", concat(ex.place(2, 1, SYM, SELL, GTC, 100, 5), ex.reduce(2, 1, 0))));
    }

    @Test
    void shouldCancelAndReleaseReservation()
    {
        ex.place(1, 1, SYM, BUY, GTC, 100, 5);
        assertEquals(List.of(
            "book sym=1 side=BUY price=100 qty=0 orders=0",
            "cancelled oid=1 acct=1 sym=1 side=BUY price=100 qty=5 reason=USER",
            "balance acct=1 asset=0 free=1000000 reserved=0"), ex.cancel(1, 1));
        assertEquals(0, ex.exchange.liveOrders());
    }

    @Test
    void shouldRejectCancelOfFilledUnknownOrForeignOrder()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 1);
        ex.place(2, 2, SYM, BUY, GTC, 100, 1);
        assertEquals(List.of("rejected reason=UNKNOWN_ORDER cmd=cancel oid=1 acct=1"), ex.cancel(1, 1));
        assertEquals(List.of("rejected reason=UNKNOWN_ORDER cmd=cancel oid=42 acct=1"), ex.cancel(42, 1));
        ex.place(3, 3, SYM, SELL, GTC, 100, 1);
        assertEquals(List.of("rejected reason=NOT_OWNER cmd=cancel oid=3 acct=4"), ex.cancel(3, 4));
        assertEquals(List.of("rejected reason=NOT_OWNER cmd=reduce oid=3 acct=4"), ex.reduce(3, 4, 1));
        assertTrue(ex.exchange.isLive(3));
    }

    @Test
    void shouldCancelRestingOrderOfSameAccountInsteadOfTrading()
    {
        ex.place(1, 1, SYM, SELL, GTC, 100, 2);
        ex.place(2, 2, SYM, SELL, GTC, 100, 2);
        final List<String> lines = ex.place(3, 1, SYM, BUY, GTC, 100, 3);
        assertEquals(List.of(
            "accepted oid=3 acct=1 sym=1 side=BUY type=GTC price=100 qty=3",
            "cancelled oid=1 acct=1 sym=1 side=SELL price=100 qty=2 reason=SELF_TRADE",
            "trade id=1 sym=1 price=100 qty=2 maker=2 taker=3 makerAcct=2 takerAcct=1 takerSide=BUY makerLeft=0 takerLeft=1",
            "book sym=1 side=SELL price=100 qty=0 orders=0",
            "book sym=1 side=BUY price=100 qty=1 orders=1"), lines.subList(0, 5));
        assertEquals(0, ex.exchange.reserved(1, BASE));
        assertEquals(BASE_START + 200, ex.exchange.free(1, BASE));
        assertEquals(100, ex.exchange.reserved(1, QUOTE));
    }

    @Test
    void shouldRejectOrdersBeyondFreeBalance()
    {
        ex.deposit(5, QUOTE, 1000);
        assertEquals(List.of("rejected reason=INSUFFICIENT_FUNDS cmd=place oid=1 acct=5 sym=1"),
            ex.place(1, 5, SYM, BUY, GTC, 100, 11));
        assertEquals("accepted oid=1 acct=5 sym=1 side=BUY type=GTC price=100 qty=10",
            ex.place(1, 5, SYM, BUY, GTC, 100, 10).get(0));
        assertEquals(List.of("rejected reason=INSUFFICIENT_FUNDS cmd=place oid=2 acct=5 sym=1"),
            ex.place(2, 5, SYM, BUY, GTC, 10, 1));
        assertEquals(List.of("rejected reason=INSUFFICIENT_FUNDS cmd=place oid=3 acct=5 sym=1"),
            ex.place(3, 5, SYM, SELL, GTC, 100, 1));
        assertEquals(List.of("rejected reason=INSUFFICIENT_FUNDS cmd=withdraw oid=0 acct=5"), ex.withdraw(5, QUOTE, 1));
    }

    @Test
    void shouldRejectPricesOffTheTickAndBadQuantities()
    {
        assertEquals(List.of("rejected reason=BAD_PRICE cmd=place oid=1 acct=1 sym=1"), ex.place(1, 1, SYM, BUY, GTC, 105, 1));
        assertEquals(List.of("rejected reason=BAD_PRICE cmd=place oid=1 acct=1 sym=1"), ex.place(1, 1, SYM, BUY, GTC, 0, 1));
        assertEquals(List.of("rejected reason=BAD_PRICE cmd=place oid=1 acct=1 sym=1"), ex.place(1, 1, SYM, SELL, IOC, -10, 1));
        assertEquals(List.of("rejected reason=BAD_QUANTITY cmd=place oid=1 acct=1 sym=1"), ex.place(1, 1, SYM, BUY, GTC, 100, 0));
        assertEquals(List.of("rejected reason=BAD_QUANTITY cmd=place oid=1 acct=1 sym=1"), ex.place(1, 1, SYM, BUY, GTC, 100, -3));
        assertEquals(List.of("rejected reason=BAD_QUANTITY cmd=place oid=1 acct=1 sym=1"),
            ex.place(1, 1, SYM, BUY, GTC, 100, Long.MAX_VALUE / 50));
        assertEquals(List.of("rejected reason=BAD_QUANTITY cmd=place oid=1 acct=1 sym=1"),
            ex.place(1, 1, SYM, SELL, MARKET, 0, Long.MAX_VALUE / 50));
        assertEquals(0, ex.exchange.liveOrders());
    }

    @Test
    void shouldRejectUnknownSymbolAccountSideTypeAndDuplicateId()
    {
        assertEquals(List.of("rejected reason=UNKNOWN_SYMBOL cmd=place oid=1 acct=1 sym=9"), ex.place(1, 1, 9, BUY, GTC, 100, 1));
        assertEquals(List.of("rejected reason=UNKNOWN_ACCOUNT cmd=place oid=1 acct=99 sym=1"),
            ex.place(1, 99, SYM, BUY, GTC, 100, 1));
        assertEquals(List.of("rejected reason=BAD_SIDE cmd=place oid=1 acct=1 sym=1"), ex.placeRaw(1, 1, SYM, 7, 0, 100, 1));
        assertEquals(List.of("rejected reason=BAD_ORDER_TYPE cmd=place oid=1 acct=1 sym=1"), ex.placeRaw(1, 1, SYM, 0, 9, 100, 1));
        ex.place(1, 1, SYM, BUY, GTC, 100, 1);
        assertEquals(List.of("rejected reason=DUPLICATE_ORDER_ID cmd=place oid=1 acct=2 sym=1"),
            ex.place(1, 2, SYM, SELL, GTC, 200, 1));
        ex.cancel(1, 1);
        assertEquals("accepted oid=1 acct=2 sym=1 side=SELL type=GTC price=200 qty=1",
            ex.place(1, 2, SYM, SELL, GTC, 200, 1).get(0));
    }

    @Test
    void shouldReportTheFirstFailingCheckInTheDocumentedOrder()
    {
        ex.place(1, 1, SYM, BUY, GTC, 100, 1);
        ex.deposit(5, QUOTE, 10);
        // Bad price and a used id: BAD_PRICE. A used id beyond the funds: DUPLICATE_ORDER_ID.
        assertEquals(List.of("rejected reason=BAD_PRICE cmd=place oid=1 acct=2 sym=1"), ex.place(1, 2, SYM, BUY, GTC, 105, 1));
        assertEquals(List.of("rejected reason=DUPLICATE_ORDER_ID cmd=place oid=1 acct=5 sym=1"),
            ex.place(1, 5, SYM, BUY, GTC, 100, 50));
        // Beyond the funds and an FOK that cannot fill: INSUFFICIENT_FUNDS.
        assertEquals(List.of("rejected reason=INSUFFICIENT_FUNDS cmd=place oid=9 acct=5 sym=1"),
            ex.place(9, 5, SYM, BUY, FOK, 100, 50));
        // Someone else's order with a bad quantity, and an unknown order: ownership comes first.
        assertEquals(List.of("rejected reason=NOT_OWNER cmd=reduce oid=1 acct=2"), ex.reduce(1, 2, 0));
        assertEquals(List.of("rejected reason=UNKNOWN_ORDER cmd=move oid=77 acct=2"), ex.move(77, 2, 105));
        assertEquals(List.of("rejected reason=NOT_OWNER cmd=move oid=1 acct=2"), ex.move(1, 2, 105));
    }

    @Test
    void shouldReportBalancesAnOrderReservedAndReleasedInOneCommand()
    {
        final List<String> lines = ex.place(2, 2, SYM, BUY, IOC, 100, 5);
        assertEquals(List.of("balance acct=2 asset=0 free=1000000 reserved=0"), only("balance", lines),
            "touched and restored: still reported once, with its final values");
    }

    @Test
    void shouldCheckAMarketBuyAgainstItsOwnBestAskAndCancelItWhenMet()
    {
        ex.deposit(5, BASE, 100);
        ex.place(1, 5, SYM, SELL, GTC, 100, 1);
        ex.place(2, 1, SYM, SELL, GTC, 200, 1);
        ex.deposit(5, QUOTE, 50);
        assertEquals(List.of("rejected reason=INSUFFICIENT_FUNDS cmd=place oid=3 acct=5 sym=1"),
            ex.place(3, 5, SYM, BUY, MARKET, 0, 1), "the best ask is its own, and it cannot pay that ask's price");
        ex.deposit(5, QUOTE, 1000);
        final List<String> lines = ex.place(3, 5, SYM, BUY, MARKET, 0, 1);
        assertEquals(List.of("cancelled oid=1 acct=5 sym=1 side=SELL price=100 qty=1 reason=SELF_TRADE"),
            only("cancelled", lines));
        assertEquals(1, only("trade", lines).size(), "then it buys from the next level: " + lines);
        assertTrue(only("trade", lines).get(0).contains("price=200 qty=1 maker=2"), lines.toString());
    }

    @Test
    void shouldDepositAndWithdrawFreeBalanceOnly()
    {
        assertEquals(List.of("balance acct=9 asset=3 free=500 reserved=0"), ex.deposit(9, 3, 500));
        assertEquals(List.of("balance acct=9 asset=3 free=200 reserved=0"), ex.withdraw(9, 3, 300));
        assertEquals(200, ex.exchange.supply(3));
        ex.place(1, 1, SYM, BUY, GTC, 100, 10);
        assertEquals(List.of("rejected reason=INSUFFICIENT_FUNDS cmd=withdraw oid=0 acct=1"),
            ex.withdraw(1, QUOTE, QUOTE_START));
        assertEquals(List.of("balance acct=1 asset=0 free=0 reserved=1000"), ex.withdraw(1, QUOTE, QUOTE_START - 1000));
        assertEquals(List.of("rejected reason=UNKNOWN_ACCOUNT cmd=withdraw oid=0 acct=77"), ex.withdraw(77, QUOTE, 1));
        assertEquals(List.of("rejected reason=UNKNOWN_ASSET cmd=deposit oid=0 acct=1"), ex.deposit(1, 99, 1));
        assertEquals(List.of("rejected reason=BAD_AMOUNT cmd=deposit oid=0 acct=1"), ex.deposit(1, QUOTE, 0));
        assertEquals(List.of("rejected reason=BAD_AMOUNT cmd=withdraw oid=0 acct=1"), ex.withdraw(1, QUOTE, -1));
        assertEquals(List.of("rejected reason=BAD_AMOUNT cmd=deposit oid=0 acct=1"),
            ex.deposit(1, QUOTE, Long.MAX_VALUE));
        assertFalse(ex.exchange.hasAccount(77));
    }

    @Test
    void shouldRejectBadAndDuplicateInstruments()
    {
        assertEquals(List.of("rejected reason=DUPLICATE_SYMBOL cmd=instrument oid=0 acct=0 sym=1"), ex.instrument(SYM, 2, 3, 1, 1));
        assertEquals(List.of("rejected reason=BAD_INSTRUMENT cmd=instrument oid=0 acct=0 sym=2"), ex.instrument(2, 3, 3, 1, 1));
        assertEquals(List.of("rejected reason=BAD_INSTRUMENT cmd=instrument oid=0 acct=0 sym=2"), ex.instrument(2, 2, 3, 0, 1));
        assertEquals(List.of("rejected reason=BAD_INSTRUMENT cmd=instrument oid=0 acct=0 sym=2"), ex.instrument(2, 2, 3, 1, -1));
        assertEquals(List.of("rejected reason=BAD_INSTRUMENT cmd=instrument oid=0 acct=0 sym=2"), ex.instrument(2, 2, 99, 1, 1));
        ex.instrument(0, 2, 3, 1, 1);
        assertEquals(2, ex.exchange.symbols().length);
        assertEquals(0, ex.exchange.symbols()[0]);
    }

    @Test
    void shouldRejectMalformedPayloadAndUnknownCommand()
    {
        assertEquals(List.of("rejected reason=MALFORMED cmd=place oid=0 acct=0"), ex.lines(CommandTypes.PLACE_ORDER, 10));
        assertEquals(List.of("rejected reason=UNKNOWN_COMMAND cmd=99 oid=0 acct=0"), ex.lines(99, 0));
    }

    private static List<String> concat(final List<String> a, final List<String> b)
    {
        final java.util.ArrayList<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
