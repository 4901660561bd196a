package io.ringlog.kafka;

import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which failures let a sink close at once: only a broker that stopped answering. After any other, the
 * broker is there to abort the open transaction, and closing must give it the time to.
 */
class KafkaSinkCloseTest
{
    @Test
    void shouldCloseAtOnceOnlyWhenTheBrokerStoppedAnswering()
    {
        assertTrue(KafkaSink.brokerUnreachable(new TimeoutException("Topic t not present in metadata after 3000 ms.")));
        assertTrue(KafkaSink.brokerUnreachable(new IllegalStateException("producing to t failed: Expiring 1 record(s)",
            new TimeoutException("Expiring 1 record(s) for t-0: 3005 ms has passed since batch creation"))));
        assertTrue(KafkaSink.brokerUnreachable(new NetworkException("the connection was lost")));

        assertFalse(KafkaSink.brokerUnreachable(new IllegalStateException("producing to t failed",
            new RecordTooLargeException("the message is 2000000 bytes"))));
        assertFalse(KafkaSink.brokerUnreachable(new TopicAuthorizationException(Set.of("t"))));
        assertFalse(KafkaSink.brokerUnreachable(new IllegalArgumentException("the keys threw")));
    }
}
