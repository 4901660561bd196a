package io.ringlog.core;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Each {@link StateMachine} instance and each {@link EngineContext} serves one launch. A state machine
 * launched again still holds the state its first engine left, and recovery would replay the journal on
 * top of it: a state that is silently wrong. A context launched again names a journal and stores its
 * first engine closed. Both are refused at launch, and so is a journal another engine is still running
 * on. The machines and journals are held weakly: a launch remembers nothing a user has let go of.
 */
final class Launches
{
    private static final List<Launch> MACHINES = new ArrayList<>();
    private static final List<Held> JOURNALS = new ArrayList<>();
    private static final List<HeldStore> STORES = new ArrayList<>();

    private record Launch(WeakReference<StateMachine> machine, String engine)
    {
    }

    private record Held(WeakReference<Journal> journal, String engine)
    {
    }

    private record HeldStore(WeakReference<SnapshotStore> store, String engine)
    {
    }

    private Launches()
    {
    }

    /** Claims the context and its state machine for one launch, or says why they cannot serve it. */
    static synchronized void claim(final EngineContext ctx)
    {
        if (ctx.launchedAs() != null)
        {
            throw new IllegalArgumentException("this EngineContext launched engine '" + ctx.launchedAs() + "' already, " +
                "and that engine closes the journal, snapshot store and replicator it names when it closes: build a new " +
                "EngineContext, with new ones, for each launch");
        }
        final StateMachine machine = ctx.stateMachine();
        MACHINES.removeIf((launch) -> launch.machine().get() == null);
        for (final Launch launch : MACHINES)
        {
            if (launch.machine().get() == machine)
            {
                throw new IllegalArgumentException("this " + machine.getClass().getName() + " instance was launched " +
                    "before (by engine '" + launch.engine() + "'): it holds the state that engine left, and recovery " +
                    "would replay the journal on top of it. Launch each engine with a new StateMachine instance");
            }
        }
        MACHINES.add(new Launch(new WeakReference<>(machine), ctx.name()));
        ctx.launchedAs(ctx.name());
    }

    /**
     * Claims the context's journal for its engine, or refuses it while another engine runs on it: two
     * engines appending to one journal interleave their positions and damage it, and the first to close
     * closes it under the other. Given back by {@link #journalClosed} when the engine closes it.
     */
    static synchronized void claimJournal(final EngineContext ctx)
    {
        final Journal journal = ctx.journal();
        final SnapshotStore store = ctx.snapshotStore();
        STORES.removeIf((held) -> held.store().get() == null);
        for (final HeldStore held : STORES)
        {
            if (store != null && held.store().get() == store)
            {
                // Probe (embedder): refused only when a snapshot was written, and then one clash of several said.
                throw new IllegalArgumentException("this " + store.getClass().getSimpleName() + " is the snapshot " +
                    "store of engine '" + held.engine() + "', which is running: two engines' snapshots in one store " +
                    "are two journals' states side by side (each engine would find the other's, and the first to close " +
                    "would close the store under the other). Give each engine a snapshot store of its own, in a " +
                    "directory of its own, or close '" + held.engine() + "' first. Nothing was closed");
            }
        }
        JOURNALS.removeIf((held) -> held.journal().get() == null);
        for (final Held held : JOURNALS)
        {
            if (held.journal().get() == journal)
            {
                throw new IllegalArgumentException("this " + journal.getClass().getSimpleName() + " is the journal of " +
                    "engine '" + held.engine() + "', which is running: two engines writing one journal would interleave " +
                    "their positions and damage it, and the first to close would close it under the other. Give each " +
                    "engine its own journal (a ReadOnlyJournal to read one beside its writer), or close '" +
                    held.engine() + "' first. Nothing was closed");
            }
        }
        JOURNALS.add(new Held(new WeakReference<>(journal), ctx.name()));
        if (store != null)
        {
            STORES.add(new HeldStore(new WeakReference<>(store), ctx.name()));
        }
    }

    /** Whether {@code store} is the snapshot store of an engine that runs (false for null). */
    static synchronized boolean storeRunning(final SnapshotStore store)
    {
        return store != null && STORES.stream().anyMatch((held) -> held.store().get() == store);
    }

    /** The engine closed its journal and snapshot store (or its launch failed and closed them). */
    static synchronized void stagesClosed(final EngineContext ctx)
    {
        journalClosed(ctx.journal());
        final SnapshotStore store = ctx.snapshotStore();
        STORES.removeIf((held) -> held.store().get() == store || held.store().get() == null);
    }

    /** Whether {@code journal} is the journal of an engine that runs (false for null). */
    static synchronized boolean journalRunning(final Journal journal)
    {
        return journal != null && JOURNALS.stream().anyMatch((held) -> held.journal().get() == journal);
    }

    /** The engine closed its journal (or its launch failed and closed it): another engine may take it. */
    static synchronized void journalClosed(final Journal journal)
    {
        JOURNALS.removeIf((held) -> held.journal().get() == journal || held.journal().get() == null);
    }

    /** Gives the context and its state machine back: the launch failed before either was used. */
    static synchronized void release(final EngineContext ctx)
    {
        final StateMachine machine = ctx.stateMachine();
        MACHINES.removeIf((launch) -> launch.machine().get() == machine || launch.machine().get() == null);
        ctx.launchedAs(null);
    }
}
