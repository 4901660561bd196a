package io.ringlog.core;

import org.agrona.concurrent.UnsafeBuffer;

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

    /**
     * Whether {@link #CORE}, or its equivalent, is in force in this JVM: the package exported to Agrona's module, which
     * is the one that uses it (the unnamed module on a class path; Agrona's own on a module path, where the option
     * names it instead of ALL-UNNAMED). Looking at the class does not initialise it, so this check cannot fail as the
     * buffer would.
     */
    public static boolean coreInForce()
    {
        final Optional<Module> base = ModuleLayer.boot().findModule("java.base");
        return base.isEmpty() || base.get().isExported("jdk.internal.misc", agrona());
    }

    /** The option as this JVM needs it: {@link #CORE} on a class path, naming Agrona's module on a module path. */
    public static String coreOption()
    {
        final Module agrona = agrona();
        return agrona.isNamed() ? "--add-exports=java.base/jdk.internal.misc=" + agrona.getName() : CORE;
    }

    private static Module agrona()
    {
        return UnsafeBuffer.class.getModule();
    }

    /** Null when {@link #CORE} is in force; otherwise what to add, as one message. */
    public static String coreProblem()
    {
        return coreInForce() ? null : "ringlog cannot run in this JVM: Agrona's buffers, which ringlog keeps its rings " +
            "and entries in, need the JVM option " + coreOption() + " on Java " + Runtime.version().feature() + ". Add it to the " +
            "java command (ringlog's README.md, 'JVM flags'; in a ringlog checkout the build writes every flag to " +
            "matching-example/target/jvm.args, for java @file)";
    }
}
