package io.ringlog.exchange;

import java.util.Arrays;

/**
 * Orders and price levels, preallocated and reused, so placing, matching, cancelling and moving allocate
 * nothing once the pools have grown to the working set. A pool that runs dry allocates (and the object
 * joins the pool when released); the arrays grow by doubling.
 */
final class Pools
{
    private Order[] orders = new Order[1 << 12];
    private int pooledOrders;
    private PriceLevel[] levels = new PriceLevel[1 << 10];
    private int pooledLevels;

    Pools()
    {
        for (int i = 0; i < orders.length; i++)
        {
            orders[i] = new Order();
        }
        pooledOrders = orders.length;
        for (int i = 0; i < levels.length; i++)
        {
            levels[i] = new PriceLevel();
        }
        pooledLevels = levels.length;
    }

    Order acquireOrder()
    {
        if (pooledOrders == 0)
        {
            return new Order();
        }
        final Order order = orders[--pooledOrders];
        orders[pooledOrders] = null;
        return order;
    }

    void release(final Order order)
    {
        order.clear();
        if (pooledOrders == orders.length)
        {
            orders = Arrays.copyOf(orders, pooledOrders * 2);
        }
        orders[pooledOrders++] = order;
    }

    PriceLevel acquireLevel()
    {
        if (pooledLevels == 0)
        {
            return new PriceLevel();
        }
        final PriceLevel level = levels[--pooledLevels];
        levels[pooledLevels] = null;
        return level;
    }

    void release(final PriceLevel level)
    {
        level.init(0, 0);
        if (pooledLevels == levels.length)
        {
            levels = Arrays.copyOf(levels, pooledLevels * 2);
        }
        levels[pooledLevels++] = level;
    }
}
