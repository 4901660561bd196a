package io.ringlog.exchange;

/**
 * A live order: pooled, and a node of its price level's intrusive FIFO queue. What it holds in
 * reserve follows from its fields: a buy holds {@code price * remaining} quote units, a sell
 * {@code remaining * lotSize} base units (a market buy, which never rests, holds nothing).
 */
final class Order
{
    long orderId;
    Account account;
    int side;
    long price;
    long remaining;
    OrderBook book;
    PriceLevel level;
    Order prev;
    Order next;

    void clear()
    {
        account = null;
        book = null;
        level = null;
        prev = null;
        next = null;
    }
}
