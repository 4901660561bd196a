package io.ringlog.bench;

import org.openjdk.jmh.annotations.Fork;

import java.util.List;

/**
 * The one place bench keeps the JVM flags, the same set as the parent pom's
 * {@code ringlog.jvm.flags.base} (a test holds the two together). Benchmarks extend this class to
 * inherit its {@link Fork}: JMH forks a fresh JVM that does not inherit Maven's settings, and
 * without {@link #EXPORT_MISC} Agrona fails in the fork with an {@code IllegalAccessError}.
 * <p>
 * The JDK 23+ switch {@code --sun-misc-unsafe-memory-access=allow} is not here because JDK 17
 * refuses to start with it; {@code scripts/bench} passes it to the host JVM on newer JDKs and JMH
 * forks inherit the host's flags.
 */
@Fork(value = 1, jvmArgsAppend = {
    RinglogFork.EXPORT_MISC,
    RinglogFork.EXPORT_REF,
    RinglogFork.EXPORT_NIO_CH,
    RinglogFork.EXPORT_SUN_MISC,
    RinglogFork.EXPORT_JAVAC_FILE,
    RinglogFork.OPEN_JAVAC,
    RinglogFork.OPEN_LANG,
    RinglogFork.OPEN_REFLECT,
    RinglogFork.OPEN_IO,
    RinglogFork.OPEN_UTIL,
    RinglogFork.OPEN_NIO,
    RinglogFork.OPEN_NIO_CH,
    RinglogFork.NO_CHRONICLE_ANALYTICS,
    RinglogFork.NO_CHRONICLE_ANNOUNCER})
public abstract class RinglogFork
{
    /** Agrona's UnsafeApi. */
    public static final String EXPORT_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    public static final String EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    public static final String EXPORT_NIO_CH = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String EXPORT_SUN_MISC = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    public static final String EXPORT_JAVAC_FILE = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    public static final String OPEN_JAVAC = "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";
    public static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** Chronicle Queue maps files through FileChannelImpl.map0. */
    public static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    public static final String OPEN_IO = "--add-opens=java.base/java.io=ALL-UNNAMED";
    public static final String OPEN_UTIL = "--add-opens=java.base/java.util=ALL-UNNAMED";
    public static final String OPEN_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    public static final String OPEN_NIO_CH = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String NO_CHRONICLE_ANALYTICS = "-Dchronicle.analytics.disable=true";
    public static final String NO_CHRONICLE_ANNOUNCER = "-Dchronicle.announcer.disable=true";

    /** The flags of the {@link Fork} above, in order, for code that checks or prints them. */
    public static List<String> flags()
    {
        return List.of(RinglogFork.class.getAnnotation(Fork.class).jvmArgsAppend());
    }
}
