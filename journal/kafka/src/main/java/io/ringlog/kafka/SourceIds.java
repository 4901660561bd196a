package io.ringlog.kafka;

/**
 * The engine's source id for a Kafka topic-partition. The engine deduplicates by (source id, source
 * sequence), and a partition's offsets only grow, so with source sequence = offset the engine's dedup
 * table is the exact record of how far each partition was applied.
 * <pre>
 *   63                              32 31                               0
 *  +----------------------------------+----------------------------------+
 *  | topic code: String.hashCode of   | partition                        |
 *  | the topic name, 1 if it is 0     |                                  |
 *  +----------------------------------+----------------------------------+
 * </pre>
 * {@code String.hashCode} is fixed by the Java language specification, so the id of a partition is
 * the same in every JVM and every release; the topic code is never 0, so no id is the engine's
 * anonymous source 0. Two topics feeding one engine whose names hash alike would share ids: compare
 * their {@link #topicCode}s when you add a topic. Other producers into the same engine should use
 * small ids (below 2<sup>32</sup>), which no topic-partition gets.
 */
public final class SourceIds
{
    private SourceIds()
    {
    }

    /** The source id of {@code partition} of {@code topic}. */
    public static long of(final String topic, final int partition)
    {
        if (partition < 0)
        {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
        return ((long)topicCode(topic) << 32) | partition;
    }

    /** The high half of a topic's source ids. */
    public static int topicCode(final String topic)
    {
        final int hash = topic.hashCode();
        return hash == 0 ? 1 : hash;
    }

    /** The partition a source id names. */
    public static int partition(final long sourceId)
    {
        return (int)sourceId;
    }

    /** Whether {@code sourceId} names a partition of {@code topic}. */
    public static boolean isOf(final long sourceId, final String topic)
    {
        return (int)(sourceId >>> 32) == topicCode(topic);
    }
}
