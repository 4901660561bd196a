package io.ringlog.journal;

import io.ringlog.core.JvmFlags;
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
        assertTrue(ran.output().startsWith("error: the journal cannot be opened in this JVM: it lacks the JVM options " +
            "it needs on Java "), ran.toString());
        for (final String flag : ChronicleFlags.JOURNAL)
        {
            // jdk.unsupported exports sun.misc to everyone: in force without the flag.
            assertEquals(!flag.contains("sun.misc"), ran.output().contains(flag), flag + ": " + ran);
        }
        assertFalse(ran.output().contains("\tat "), "no stack trace: " + ran);
        assertFalse(ran.output().contains("ERROR"), "Chronicle was not reached: " + ran);
    }

    /**
     * A newcomer's probe: a JVM with every journal flag the message listed but the core's, as a user who followed the
     * message before this check named it. ringlog's own buffer (the metadata page) threw an IllegalAccessError naming
     * a class, with its stack trace. Now the open names the option; an engine's launch does too.
     */
    @Test
    void shouldNameTheCoresOptionWhereTheJournalsAreAllGiven(@TempDir final Path dir) throws Exception
    {
        final JournalTesting.Ran opened = JournalTesting.runJvm(ChronicleFlags.JOURNAL, 60, OpenJournalMain.class,
            dir.resolve("journal").toString());
        assertEquals(1, opened.code(), opened.toString());
        assertTrue(opened.output().startsWith("error: the journal cannot be opened in this JVM: it lacks the JVM options " +
            "it needs on Java ") && opened.output().contains("Add: " + JvmFlags.CORE + " (ringlog's README.md"),
            opened.toString());
        assertFalse(opened.output().contains("\tat ") || opened.output().contains("IllegalAccessError"), opened.toString());

        final JournalTesting.Ran launched = JournalTesting.runJvm(List.of(), 60, LaunchEngineMain.class);
        assertEquals(1, launched.code(), launched.toString());
        assertEquals("error: ringlog cannot run in this JVM: Agrona's buffers, which ringlog keeps its rings and entries " +
            "in, need the JVM option " + JvmFlags.CORE + " on Java " + Runtime.version().feature() + ". Add it to the " +
            "java command (ringlog's README.md, 'JVM flags'; in a ringlog checkout the build writes every flag to " +
            "matching-example/target/jvm.args, for java @file)\n", launched.output());
    }
}
