package io.ringlog.bench;

import io.ringlog.exchange.codec.EventTypes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Drives each order-book benchmark's lifecycle by hand, as JMH would, to prove it measures what it says. */
class OrderBookBenchmarkTest
{
    private static final int INVOCATIONS = 3;
    private final OrderBookBenchmark benchmark = new OrderBookBenchmark();

    @Test
    void shouldPlacePassiveOrdersAndLeaveTheBookAsItWas() throws Exception
    {
        final OrderBookBenchmark.PlaceThenCancel book = new OrderBookBenchmark.PlaceThenCancel();
        book.prefill();
        final int prefilled = book.driver.exchange().liveOrders();
        for (int n = 0; n < INVOCATIONS; n++)
        {
            benchmark.place(book);
            assertEquals(prefilled + OrderBookBenchmark.BATCH, book.driver.exchange().liveOrders());
            book.cancelPlaced();
            assertEquals(prefilled, book.driver.exchange().liveOrders());
        }
        assertEquals(0, book.driver.output().events(EventTypes.TRADE), "passive orders never trade");
        book.check();
    }

    @Test
    void shouldCancelWhatTheSetUpPlaced() throws Exception
    {
        final OrderBookBenchmark.PlacedToCancel book = new OrderBookBenchmark.PlacedToCancel();
        book.prefill();
        final int prefilled = book.driver.exchange().liveOrders();
        for (int n = 0; n < INVOCATIONS; n++)
        {
            book.placeToCancel();
            benchmark.cancel(book);
            assertEquals(prefilled, book.driver.exchange().liveOrders());
        }
        assertEquals(INVOCATIONS * OrderBookBenchmark.BATCH, book.driver.output().events(EventTypes.ORDER_CANCELLED));
        book.check();
    }

    @Test
    void shouldMoveEveryOrderToANewPriceWithoutTrading() throws Exception
    {
        final OrderBookBenchmark.Movable book = new OrderBookBenchmark.Movable();
        book.placeMovable();
        book.prefill();
        final int live = book.driver.exchange().liveOrders();
        for (int n = 0; n < INVOCATIONS; n++)
        {
            benchmark.move(book);
            assertEquals(live, book.driver.exchange().liveOrders());
        }
        assertEquals(INVOCATIONS * OrderBookBenchmark.BATCH, book.driver.output().events(EventTypes.ORDER_MOVED));
        assertEquals(0, book.driver.output().events(EventTypes.TRADE));
        book.check();
    }

    @Test
    void shouldTradeEachIocAgainstOneRestingOrderAndEmptyTheLevel() throws Exception
    {
        final OrderBookBenchmark.RestingAtMid book = new OrderBookBenchmark.RestingAtMid();
        book.prefill();
        final int prefilled = book.driver.exchange().liveOrders();
        for (int n = 0; n < INVOCATIONS; n++)
        {
            book.placeMakers();
            benchmark.match(book);
            assertEquals(prefilled, book.driver.exchange().liveOrders());
        }
        assertEquals(INVOCATIONS * OrderBookBenchmark.BATCH, book.driver.output().events(EventTypes.TRADE));
        book.check();
    }

    @Test
    void shouldKeepTheTradersFundedByTradingBothWays() throws Exception
    {
        final OrderBookBenchmark.RestingAtMid book = new OrderBookBenchmark.RestingAtMid();
        book.prefill();
        final long makerQuote = book.driver.exchange().free(OrderBookBenchmark.MAKER, 0);
        book.placeMakers();
        benchmark.match(book);
        book.placeMakers();
        benchmark.match(book);
        assertEquals(makerQuote, book.driver.exchange().free(OrderBookBenchmark.MAKER, 0),
            "two invocations, one each way at the same price, leave the balances as they were");
    }

    @Test
    void shouldFailTheTrialWhenAnythingWasRejected() throws Exception
    {
        final OrderBookBenchmark.PlaceThenCancel book = new OrderBookBenchmark.PlaceThenCancel();
        book.prefill();
        book.cancelOwn(0);
        assertThrows(IllegalStateException.class, book::check);
    }
}
