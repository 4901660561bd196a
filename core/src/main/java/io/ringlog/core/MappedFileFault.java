package io.ringlog.core;

/**
 * The JVM's report of a fault (SIGBUS) in an access to a memory-mapped file, a journal's: an {@link InternalError}
 * "a fault occurred in a recent unsafe memory access operation in compiled Java code", raised at the JVM's next
 * check (perhaps past the catch meant for it), or "... in an unsafe memory access operation" where the thread was in
 * the VM or native code (a bulk copy, an interpreted read). A file cut short under its reader or writer, or storage
 * that failed.
 */
public final class MappedFileFault
{
    private MappedFileFault()
    {
    }

    /** Whether {@code ex} is such a fault. */
    public static boolean is(final Throwable ex)
    {
        return ex instanceof InternalError && ex.getMessage() != null && ex.getMessage().contains("unsafe memory access");
    }
}
