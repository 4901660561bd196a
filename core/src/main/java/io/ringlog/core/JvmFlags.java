package io.ringlog.core;

import java.util.Optional;

/**
 * The one JVM option ringlog's core needs on Java 9 and later: Agrona's buffers use {@code jdk.internal.misc.Unsafe}.
 * Without it the first buffer made throws an {@link IllegalAccessError} that names a class, not the option; checked
 * where ringlog can say it first ({@link Engine#launch}, and the journal's open).
 */
public final class JvmFlags
{
    /** The option, as the parent pom's {@code ringlog.jvm.flags.core} holds it. */
    public static final String CORE = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private JvmFlags()
    {
    }

    /** Whether {@link #CORE} is in force in this JVM (the package exported to the module that loaded ringlog). */
    public static boolean coreInForce()
    {
        final Optional<Module> base = ModuleLayer.boot().findModule("java.base");
        return base.isEmpty() || base.get().isExported("jdk.internal.misc", JvmFlags.class.getModule());
    }

    /** Null when {@link #CORE} is in force; otherwise what to add, as one message. */
    public static String coreProblem()
    {
        return coreInForce() ? null : "ringlog cannot run in this JVM: Agrona's buffers, which ringlog keeps its rings " +
            "and entries in, need the JVM option " + CORE + " on Java " + Runtime.version().feature() + ". Add it to the " +
            "java command (ringlog's README.md, 'JVM flags'; in a ringlog checkout the build writes every flag to " +
            "matching-example/target/jvm.args, for java @file)";
    }
}
