package io.ringlog.kafka;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether a Kafka client has a connection to any broker, from its {@code connection-count} metric: a client
 * whose broker has gone reconnects quietly (or blocks in a send) until its own timeout, so this is how the
 * program around it can say so meanwhile. {@link #check} reads the metric at most once a second, from one
 * thread; {@link #awaySince} may be read from any.
 */
public final class BrokerConnections
{
    private static final long CHECK_EVERY_NS = 1_000_000_000L;

    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    private final String group;
    private Metric connections;
    private long nextCheckNs;
    private volatile long awaySinceMs;

    /**
     * @param metrics the client's {@code metrics()} (every Kafka client's is safe to call from any thread).
     * @param group   the metric's group: {@code consumer-metrics}, {@code producer-metrics}.
     */
    public BrokerConnections(final Supplier<Map<MetricName, ? extends Metric>> metrics, final String group)
    {
        this.metrics = metrics;
        this.group = group;
        this.nextCheckNs = System.nanoTime();
    }

    /** Reads the client's connection count, if a second has passed since the last read. */
    public void check()
    {
        final long now = System.nanoTime();
        if (now - nextCheckNs < 0)
        {
            return;
        }
        nextCheckNs = now + CHECK_EVERY_NS;
        if (connections == null)
        {
            for (final Map.Entry<MetricName, ? extends Metric> metric : metrics.get().entrySet())
            {
                if (metric.getKey().name().equals("connection-count") && metric.getKey().group().equals(group))
                {
                    connections = metric.getValue();
                }
            }
            if (connections == null)
            {
                return;
            }
        }
        final Object count = connections.metricValue();
        if (count instanceof Number number && number.doubleValue() > 0)
        {
            awaySinceMs = 0;
        }
        else if (awaySinceMs == 0)
        {
            awaySinceMs = System.currentTimeMillis();
        }
    }

    /** Since when (epoch milliseconds) the client has had no connection to any broker, as of the last check; 0 while it has one. */
    public long awaySince()
    {
        return awaySinceMs;
    }
}
