package io.ringlog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Creates a bench directory with a file in it, prints its path, and waits to be stopped by a signal. */
public final class HoldBenchDirectoryMain
{
    private HoldBenchDirectoryMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final BenchDirectory directory = new BenchDirectory("held");
        final Path root = directory.create();
        Files.write(directory.resolve("journal").resolve("a.cq4"), new byte[4096]);
        System.out.println(root);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
