package io.ringlog.bench;

import io.ringlog.exchange.workload.WorkloadConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordedWorkloadTest
{
    @Test
    void shouldReadBackExactlyWhatWasWritten(@TempDir final Path dir) throws Exception
    {
        final RecordedWorkload written = RecordedWorkload.record(WorkloadConfig.exchangeCore(7, 5_000));
        final Path file = dir.resolve("stream.bin");

        written.write(file);
        final RecordedWorkload read = RecordedWorkload.read(file);

        assertEquals(written.size(), read.size());
        assertEquals(written.setupCommands(), read.setupCommands());
        assertEquals(7, read.seed());
        assertEquals(5_000, read.flowCommands());
        assertEquals(written.maxAssets(), read.maxAssets());
        for (int i = 0; i < written.size(); i++)
        {
            assertEquals(written.type(i), read.type(i));
            assertEquals(written.offset(i), read.offset(i));
            assertEquals(written.length(i), read.length(i));
        }
        assertEquals(written.checksum(0, written.size()), read.checksum(0, read.size()));
    }

    @Test
    void shouldGiveTheSamePrefixWhateverTheStreamLength() throws Exception
    {
        final RecordedWorkload shorter = RecordedWorkload.record(WorkloadConfig.exchangeCore(7, 2_000));
        final RecordedWorkload longer = RecordedWorkload.record(WorkloadConfig.exchangeCore(7, 6_000));

        assertEquals(shorter.checksum(0, shorter.size()), longer.checksum(0, shorter.size()));
        assertNotEquals(longer.checksum(0, shorter.size()), longer.checksum(1, shorter.size() + 1));
    }

    @Test
    void shouldRefuseAFileThatIsNotARecordedWorkload(@TempDir final Path dir) throws Exception
    {
        final Path text = Files.writeString(dir.resolve("commands.txt"), "deposit 1 0 100\n".repeat(10));
        final IOException notOne = assertThrows(IOException.class, () -> RecordedWorkload.read(text));
        assertTrue(notOne.getMessage().contains("not a recorded workload"), notOne.getMessage());

        final Path file = dir.resolve("stream.bin");
        RecordedWorkload.record(WorkloadConfig.exchangeCore(7, 100)).write(file);
        Files.write(file, new byte[]{1, 2, 3}, StandardOpenOption.APPEND);
        final IOException longer = assertThrows(IOException.class, () -> RecordedWorkload.read(file));
        assertTrue(longer.getMessage().contains("header says"), longer.getMessage());
    }
}
