package io.ringlog.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JVM options Chronicle needs: named when missing, before Chronicle's own errors. */
class ChronicleFlagsTest
{
    @Test
    void shouldListThePomsJournalFlags()
    {
        final List<String> ours = JournalTesting.jvmFlags().stream()
            .filter((flag) -> flag.startsWith("--add-") && !flag.contains("jdk.internal.misc")).toList();
        assertEquals(ours, ChronicleFlags.JOURNAL, "ChronicleFlags.JOURNAL is the parent pom's ringlog.jvm.flags.journal");
        assertNull(ChronicleFlags.problem(), "every flag is in force in this JVM");
    }

    /** From outside: a JVM started with the core flag only, as a user who missed the journal's would. */
    @Test
    void shouldNameTheMissingOptionsInsteadOfChroniclesStackTraces(@TempDir final Path dir) throws Exception
    {
        final JournalTesting.Ran ran = JournalTesting.runJvm(List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"),
            60, OpenJournalMain.class, dir.resolve("journal").toString());
        assertEquals(1, ran.code(), ran.toString());
        assertTrue(ran.output().startsWith("error: Chronicle Queue cannot open a journal in this JVM: it lacks the JVM " +
            "options the journal needs on Java "), ran.toString());
        for (final String flag : ChronicleFlags.JOURNAL)
        {
            // jdk.unsupported exports sun.misc to everyone: in force without the flag.
            assertEquals(!flag.contains("sun.misc"), ran.output().contains(flag), flag + ": " + ran);
        }
        assertFalse(ran.output().contains("\tat "), "no stack trace: " + ran);
        assertFalse(ran.output().contains("ERROR"), "Chronicle was not reached: " + ran);
    }
}
