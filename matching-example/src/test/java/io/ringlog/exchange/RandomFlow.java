package io.ringlog.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random command streams in the text format, small enough that everything collides: two symbols, a
 * handful of accounts with modest funds, a few ticks of prices around a drifting mid, order ids from
 * a small pool. Every order type, off-tick prices, bad quantities, foreign and stale ids, deposits and
 * withdrawals all turn up, so rejections and edge cases are exercised as much as fills.
 */
final class RandomFlow
{
    private final Random random;
    private final int accounts;
    private final int idPool;
    private final long[] owner;
    private final long[] mid = {0, 500, 100};

    RandomFlow(final long seed, final int accounts, final int idPool)
    {
        this.random = new Random(seed);
        this.accounts = accounts;
        this.idPool = idPool;
        this.owner = new long[idPool + 1];
    }

    List<String> generate(final int commands)
    {
        final List<String> lines = new ArrayList<>();
        lines.add("instrument sym=1 base=1 quote=0 tick=5 lot=10");
        lines.add("instrument sym=2 base=2 quote=0 tick=1 lot=1");
        for (int a = 1; a <= accounts; a++)
        {
            lines.add("deposit acct=" + a + " asset=0 amount=" + (20_000 + random.nextInt(200_000)));
            lines.add("deposit acct=" + a + " asset=1 amount=" + (10 * random.nextInt(300)));
            lines.add("deposit acct=" + a + " asset=2 amount=" + random.nextInt(3_000));
        }
        for (int i = 0; i < commands; i++)
        {
            lines.add(next());
        }
        return lines;
    }

    private String next()
    {
        final int roll = random.nextInt(100);
        if (roll < 45)
        {
            return place();
        }
        final long oid = 1 + random.nextInt(idPool);
        final long acct = owner[(int)oid] != 0 && random.nextInt(10) < 8 ? owner[(int)oid] : account();
        if (roll < 60)
        {
            return "cancel oid=" + oid + " acct=" + acct;
        }
        if (roll < 77)
        {
            final int sym = random.nextBoolean() ? 1 : 2;
            return "move oid=" + oid + " acct=" + acct + " price=" + price(sym);
        }
        if (roll < 87)
        {
            return "reduce oid=" + oid + " acct=" + acct + " by=" + (random.nextInt(12) - 1);
        }
        if (roll < 93)
        {
            return "deposit acct=" + account() + " asset=" + random.nextInt(3) + " amount=" + (random.nextInt(5_000) - 10);
        }
        if (roll < 99)
        {
            return "withdraw acct=" + account() + " asset=" + random.nextInt(3) + " amount=" + random.nextInt(5_000);
        }
        return "place oid=" + (1 + random.nextInt(idPool)) + " acct=" + (accounts + 5) + " sym=" + (random.nextInt(4)) +
            " side=BUY type=GTC price=500 qty=1";
    }

    private long account()
    {
        return 1 + random.nextInt(accounts);
    }

    private long price(final int sym)
    {
        if (random.nextInt(50) == 0)
        {
            mid[sym] += random.nextBoolean() ? 1 : -1;
            mid[sym] = Math.max(20, mid[sym]);
        }
        final long tick = sym == 1 ? 5 : 1;
        long price = tick * (mid[sym] / tick + random.nextInt(9) - 4);
        if (random.nextInt(40) == 0)
        {
            price += sym == 1 ? 3 : 0;
        }
        if (random.nextInt(200) == 0)
        {
            price = -price;
        }
        return price;
    }

    private String place()
    {
        final long oid = 1 + random.nextInt(idPool);
        final long acct = account();
        owner[(int)oid] = acct;
        final int sym = random.nextInt(20) == 0 ? 1 + random.nextInt(2) : (random.nextInt(3) == 0 ? 2 : 1);
        final String side = random.nextBoolean() ? "BUY" : "SELL";
        final int typeRoll = random.nextInt(100);
        final String type = typeRoll < 62 ? "GTC" : typeRoll < 77 ? "IOC" : typeRoll < 88 ? "FOK" : "MARKET";
        long qty = 1 + random.nextInt(10);
        if (random.nextInt(60) == 0)
        {
            qty = random.nextBoolean() ? 0 : Long.MAX_VALUE / 3;
        }
        // A market order's price is left out, or given as 0 (the parser refuses any other); a price is drawn
        // for it all the same, so that the flow after it is the one it always was.
        final boolean market = type.equals("MARKET");
        String price = "";
        if (!(market && random.nextBoolean()))
        {
            final long drawn = price(sym);
            price = " price=" + (market ? 0 : drawn);
        }
        return "place oid=" + oid + " acct=" + acct + " sym=" + sym + " side=" + side + " type=" + type + price +
            " qty=" + qty;
    }
}
