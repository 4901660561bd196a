package io.ringlog.exchange;

/** One account's balances: per asset, free and reserved by resting orders, in asset units. */
final class Account
{
    final long id;
    final long[] free;
    final long[] reserved;
    /** Per asset, the command stamp at which this balance was last reported dirty: de-duplicates balance events. */
    final long[] touched;

    Account(final long id, final int maxAssets)
    {
        this.id = id;
        this.free = new long[maxAssets];
        this.reserved = new long[maxAssets];
        this.touched = new long[maxAssets];
    }
}
