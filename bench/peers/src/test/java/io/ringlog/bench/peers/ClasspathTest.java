package io.ringlog.bench.peers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A tripwire for the module's one rule: exchange-core runs on its own libraries. Giving this module the
 * ringlog parent, or a ringlog dependency, would bring Chronicle Queue 5.27, Disruptor 4 or Agrona 2 onto
 * this classpath, and this fails first.
 */
class ClasspathTest
{
    @Test
    void shouldHoldNeitherRinglogNorItsChronicleQueue()
    {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.ringlog.core.Engine"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("net.openhft.chronicle.queue.ChronicleQueue"));
    }

    @Test
    void shouldHoldTheLibraryVersionsExchangeCoreWasBuiltWith() throws Exception
    {
        // Disruptor 4.0 removed SequenceReportingEventHandler (folded into EventHandler); 3.4.2 has it.
        Class.forName("com.lmax.disruptor.SequenceReportingEventHandler");
        assertEquals("1.4.1", org.agrona.collections.Long2LongHashMap.class.getPackage().getImplementationVersion());
        assertEquals("1.7.30", org.slf4j.LoggerFactory.class.getPackage().getImplementationVersion());
    }
}
