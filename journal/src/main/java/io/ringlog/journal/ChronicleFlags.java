package io.ringlog.journal;

import io.ringlog.core.JvmFlags;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVM options Chronicle Queue needs on Java 17, and the one ringlog's core needs ({@link JvmFlags#CORE}),
 * checked before either is first used. Without them
 * Chronicle logs an ERROR and a WARN with a stack trace, then fails with an {@code AssertionError} or
 * an {@code IORuntimeException} that does not say which option is missing. The list is the parent
 * pom's {@code ringlog.jvm.flags.journal} (a test keeps the two equal).
 */
final class ChronicleFlags
{
    /** Every {@code --add-exports}/{@code --add-opens} the journal's flags hold. */
    static final List<String> JOURNAL = List.of(
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");

    /**
     * Without these Chronicle cannot open a journal at all (tried one at a time on Java 17): reflection
     * on a channel's fields, and the file channel's mapping.
     */
    private static final List<String> FATAL = List.of(
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");

    private ChronicleFlags()
    {
    }

    /** Null when the options Chronicle cannot do without are in force; otherwise what to add, as one message. */
    static String problem()
    {
        // ringlog's own buffers (the journal's metadata page, its entries) need the core's option before Chronicle's.
        boolean fatal = !JvmFlags.coreInForce();
        final List<String> missing = new ArrayList<>();
        if (fatal)
        {
            missing.add(JvmFlags.coreOption());
        }
        for (final String flag : JOURNAL)
        {
            if (!inForce(flag))
            {
                missing.add(flag);
                fatal |= FATAL.contains(flag);
            }
        }
        if (!fatal)
        {
            return null;
        }
        return "the journal cannot be opened in this JVM: it lacks the JVM options it needs on Java " +
            Runtime.version().feature() + ". Add: " + String.join(" ", missing) + " (ringlog's README.md, 'JVM flags', lists " +
            "all it recommends, with the -D switches that keep Chronicle quiet; in a ringlog checkout the build writes " +
            "them to matching-example/target/jvm.args, for java @file)";
    }

    /** Whether an {@code --add-exports} or {@code --add-opens} of ours is in force (a module this JVM lacks needs none). */
    static boolean inForce(final String flag)
    {
        final boolean opens = flag.startsWith("--add-opens=");
        final String target = flag.substring(flag.indexOf('=') + 1, flag.lastIndexOf('='));
        final String moduleName = target.substring(0, target.indexOf('/'));
        final String packageName = target.substring(target.indexOf('/') + 1);
        final Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
        if (module.isEmpty())
        {
            return true;
        }
        final Module ours = ChronicleFlags.class.getModule();
        return opens ? module.get().isOpen(packageName, ours) : module.get().isExported(packageName, ours);
    }
}
