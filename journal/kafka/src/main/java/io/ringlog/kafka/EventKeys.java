package io.ringlog.kafka;

import io.ringlog.core.OutputEvent;

/**
 * The business key of an event, chosen by the application: a symbol, an account. The sink writes it
 * as the record key (8 bytes, big-endian), so Kafka's default partitioner puts every event of one key
 * in one partition, in order, and the same partition in every run. Runs on the sink's thread for
 * every event: read the payload, allocate nothing.
 */
@FunctionalInterface
public interface EventKeys
{
    long key(OutputEvent event);
}
