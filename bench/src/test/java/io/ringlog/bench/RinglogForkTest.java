package io.ringlog.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RinglogForkTest
{
    @Test
    void shouldForkWithTheParentPomFlags() throws Exception
    {
        // Surefire runs in the module directory, so the parent pom is one level up.
        final String pom = Files.readString(Path.of("..", "pom.xml"));
        final Matcher matcher =
            Pattern.compile("<ringlog\\.jvm\\.flags\\.base>([^<]*)</ringlog\\.jvm\\.flags\\.base>").matcher(pom);
        assertTrue(matcher.find(), "parent pom has no ringlog.jvm.flags.base property");

        assertEquals(Arrays.asList(matcher.group(1).trim().split("\\s+")), RinglogFork.flags());
    }
}
