package io.ringlog.exchange;

/** All resting orders of one side at one price, oldest first: an intrusive FIFO queue. Pooled. */
final class PriceLevel
{
    int side;
    long price;
    long totalQuantity;
    int orderCount;
    Order head;
    Order tail;

    void init(final int side, final long price)
    {
        this.side = side;
        this.price = price;
        this.totalQuantity = 0;
        this.orderCount = 0;
        this.head = null;
        this.tail = null;
    }

    /** Appends at the back: the newest order has the least time priority. */
    void append(final Order order)
    {
        order.level = this;
        order.next = null;
        order.prev = tail;
        if (tail == null)
        {
            head = order;
        }
        else
        {
            tail.next = order;
        }
        tail = order;
        totalQuantity += order.remaining;
        orderCount++;
    }

    /** Unlinks an order, taking its remaining quantity off the total. */
    void remove(final Order order)
    {
        if (order.prev == null)
        {
            head = order.next;
        }
        else
        {
            order.prev.next = order.next;
        }
        if (order.next == null)
        {
            tail = order.prev;
        }
        else
        {
            order.next.prev = order.prev;
        }
        totalQuantity -= order.remaining;
        orderCount--;
        order.prev = null;
        order.next = null;
        order.level = null;
    }
}
