package io.ringlog.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * What every ringlog benchmark forks with: one fresh JVM per benchmark. Benchmarks extend this class
 * to inherit its {@link Fork}.
 * <p>
 * The JVM flags Agrona and Chronicle Queue need are deliberately not here: JMH starts each fork with
 * the host JVM's own flags, and {@code scripts/bench} starts the host with the build's argfile (the
 * parent pom's {@code ringlog.jvm.flags}, the one place they are defined). Appending them here as
 * well gave every fork each flag twice, and a second list to keep in step. Without the script, start
 * the host as it does: {@code java @matching-example/target/jvm.args -jar bench/target/benchmarks.jar}.
 */
@Fork(1)
public abstract class RinglogFork
{
}
