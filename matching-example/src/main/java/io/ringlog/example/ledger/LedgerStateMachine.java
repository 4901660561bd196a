package io.ringlog.example.ledger;

import io.ringlog.core.Command;
import io.ringlog.core.Hashing;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

import static io.ringlog.example.ledger.LedgerCodec.ORDER;

/** Balances per account; no account ever goes below zero. */
public final class LedgerStateMachine implements StateMachine
{
    private final Long2LongHashMap balances = new Long2LongHashMap(0);

    @Override
    public void apply(final Command command, final Output output)
    {
        final DirectBuffer payload = command.payload();
        switch (command.type())
        {
            case LedgerCodec.DEPOSIT:
            case LedgerCodec.WITHDRAW:
            {
                if (command.payloadLength() != LedgerCodec.ACCOUNT_AMOUNT_LENGTH)
                {
                    output.reject(LedgerCodec.MALFORMED);
                    return;
                }
                final long account = payload.getLong(0, ORDER);
                final long amount = payload.getLong(8, ORDER);
                if (account <= 0)
                {
                    output.reject(LedgerCodec.INVALID_ACCOUNT);
                    return;
                }
                if (amount <= 0)
                {
                    output.reject(LedgerCodec.INVALID_AMOUNT);
                    return;
                }
                final long balance = balances.get(account);
                if (command.type() == LedgerCodec.WITHDRAW && balance < amount)
                {
                    output.reject(LedgerCodec.INSUFFICIENT_FUNDS);
                    return;
                }
                final long updated = command.type() == LedgerCodec.DEPOSIT ?
                    Math.addExact(balance, amount) : balance - amount;
                store(account, updated);
                emitBalance(output, account, updated);
                return;
            }
            case LedgerCodec.TRANSFER:
            {
                if (command.payloadLength() != LedgerCodec.TRANSFER_LENGTH)
                {
                    output.reject(LedgerCodec.MALFORMED);
                    return;
                }
                final long from = payload.getLong(0, ORDER);
                final long to = payload.getLong(8, ORDER);
                final long amount = payload.getLong(16, ORDER);
                if (from <= 0 || to <= 0 || from == to)
                {
                    output.reject(LedgerCodec.INVALID_ACCOUNT);
                    return;
                }
                if (amount <= 0)
                {
                    output.reject(LedgerCodec.INVALID_AMOUNT);
                    return;
                }
                final long fromBalance = balances.get(from);
                if (fromBalance < amount)
                {
                    output.reject(LedgerCodec.INSUFFICIENT_FUNDS);
                    return;
                }
                final long toBalance = Math.addExact(balances.get(to), amount);
                store(from, fromBalance - amount);
                store(to, toBalance);
                emitBalance(output, from, fromBalance - amount);
                emitBalance(output, to, toBalance);
                return;
            }
            default:
                output.reject(LedgerCodec.MALFORMED);
        }
    }

    /** Zero is the map's missing value: an emptied account is removed, which also keeps the state canonical. */
    private void store(final long account, final long balance)
    {
        if (balance == 0)
        {
            balances.remove(account);
        }
        else
        {
            balances.put(account, balance);
        }
    }

    private static void emitBalance(final Output output, final long account, final long balance)
    {
        final MutableDirectBuffer event = output.claim(LedgerCodec.BALANCE);
        event.putLong(0, account, ORDER);
        event.putLong(8, balance, ORDER);
        output.commit(16);
    }

    /** Balance of one account; read on the business-logic thread or after the engine closed. */
    public long balance(final long account)
    {
        return balances.get(account);
    }

    @Override
    public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
    {
        final long[] accounts = sortedAccounts();
        buffer.putInt(offset, accounts.length, ORDER);
        int at = offset + 4;
        for (final long account : accounts)
        {
            buffer.putLong(at, account, ORDER);
            buffer.putLong(at + 8, balances.get(account), ORDER);
            at += 16;
        }
        return at - offset;
    }

    @Override
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
    {
        balances.clear();
        final int count = buffer.getInt(offset, ORDER);
        int at = offset + 4;
        for (int i = 0; i < count; i++)
        {
            balances.put(buffer.getLong(at, ORDER), buffer.getLong(at + 8, ORDER));
            at += 16;
        }
    }

    @Override
    public long stateHash()
    {
        long hash = 0;
        final Long2LongHashMap.EntryIterator it = balances.entrySet().iterator();
        while (it.hasNext())
        {
            it.next();
            hash += Hashing.mix(Hashing.combine(it.getLongKey(), it.getLongValue()));
        }
        return hash;
    }

    @Override
    public String rejectionName(final int reasonCode)
    {
        return reasonCode >= LedgerCodec.INSUFFICIENT_FUNDS && reasonCode <= LedgerCodec.MALFORMED ?
            LedgerCodec.reason(reasonCode) : null;
    }

    private long[] sortedAccounts()
    {
        final long[] accounts = new long[balances.size()];
        int i = 0;
        final Long2LongHashMap.KeyIterator it = balances.keySet().iterator();
        while (it.hasNext())
        {
            accounts[i++] = it.nextValue();
        }
        Arrays.sort(accounts);
        return accounts;
    }
}
