package io.ringlog.outside;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command lines as users meet them, each detail something a user once tripped on: versions,
 * usage errors in a line or two (not the whole usage), bad numbers, time travel to position 0,
 * empty ranges refused, a missing class named, a buggy state machine's failures printed once with
 * a count, the two demos' summary keys, JMH forks that get each JVM flag once and no INFO logs,
 * replica commands aimed at a directory where no node runs, or at a role no node starts in; bad
 * options and paths refused before anything is created, in words, and a file of malformed lines.
 */
class CommandLinesIT extends ScriptSession
{
    @Test
    void shouldPrintTheVersionFromEveryCommandLine() throws Exception
    {
        for (final String command : new String[]{"scripts/exchange -V", "scripts/exchange run -V", "scripts/journal -V",
            "scripts/ledger-demo -V", "scripts/bench latency -V", "scripts/bench recovery -V", "scripts/bench suite -V"})
        {
            final Shell.Result result = shell.run(command, QUICK).expectOk();
            assertTrue(result.out().startsWith("ringlog " + System.getProperty("ringlog.version") + " (Java "),
                result.toString());
        }
    }

    @Test
    void shouldAnswerAUsageErrorInTwoLinesWithoutAStackTrace() throws Exception
    {
        for (final String command : new String[]{"scripts/exchange run -i nowhere.txt", "scripts/ledger-demo --commands abc",
            "scripts/exchange replay -d run/journal --to -1", "scripts/journal dump -d run --from 10 --to 5",
            "scripts/exchange generate --commands 1e6 -o x.txt", "scripts/bench latency --rate 0",
            "scripts/bench suite --rates 0", "scripts/bench latency --ring-size 1000", "scripts/bench recovery --warmup -1",
            "scripts/bench suite --lock-wait -1", "scripts/bench suite --peer nowhere/peer",
            "scripts/bench jmh '\\.PipelineBenchmark' -p jornal=CHRONICLE", "scripts/bench jmh '\\.PipelineBenchmark' -p journal=FOO",
            "scripts/bench jmh '\\.PipelineBenchmark' -p inFlight=-5", "scripts/bench jmh '\\.PipelineBenchmark' -prof nosuch",
            "scripts/bench jmh '\\.PipelineBenchmark' -rf xml2", "scripts/bench jmh NoSuchBenchmark",
            // A reviewer's scripts/bench "$CMD", CMD unset, ran the whole suite; --out "" wrote into the repository.
            "scripts/bench ''", "scripts/bench latency --out ''", "scripts/journal verify -d ''",
            // A reviewer's: bad --out directories exited 1, the suite's in other words; -p batch=0, a stack trace.
            "scripts/bench suite --out /dev/null/results", "scripts/bench replication --out /dev/null/results",
            "scripts/bench jmh JournalAppendBenchmark -p batch=0",
            // A reviewer's --sizes 1,000 measured sizes 1 and 0, exit 0; --rates 10,000 said "must be positive: 0".
            "scripts/bench recovery --sizes 1,000", "scripts/bench suite --rates 10,000"})
        {
            final Shell.Result result = shell.run(command, QUICK);
            assertEquals(2, result.code(), result.toString());
            assertTrue(result.err().startsWith("error: "), result.toString());
            assertTrue(result.err().lines().count() <= 3, "a usage error is not followed by the whole usage\n" + result);
            assertTrue(result.err().contains("--help"), "it says where help is\n" + result);
            UserOutput.assertNoStackTrace(result);
        }
    }

    /** The suite's --peer is the user's: the script passed its own as well, and picocli refused the second. */
    @Test
    void shouldTakeTheSuitesPeerFromTheUserAndSayWhenItIsNoScript() throws Exception
    {
        final Shell.Result result = shell.run("scripts/bench suite --quick --peer nowhere/peer", QUICK);
        assertEquals(2, result.code(), result.toString());
        assertTrue(result.err().startsWith("error: --peer nowhere/peer is no executable file: it names the script that " +
            "runs exchange-core"), result.toString());
        UserOutput.assertNoStackTrace(result);
    }

    @Test
    void shouldNameAnUnknownBenchCommandAndTheCommandsThereAre() throws Exception
    {
        final Shell.Result result = shell.run("scripts/bench bogus", QUICK);
        assertEquals(2, result.code(), result.toString());
        // In two lines, as the other usage errors: the whole usage that followed it buried it (a reviewer's note).
        assertEquals(List.of("error: unknown command 'bogus': give one of suite, jmh, latency, recovery, replication",
            "Try 'scripts/bench --help' for more information."), result.err().lines().toList(), result.toString());
    }

    @Test
    void shouldExitFailedWhenAJmhBenchmarkThrows() throws Exception
    {
        // Found only inside the fork, as it runs: a stream of one invocation's commands runs out in the second.
        final Shell.Result result = shell.run("scripts/bench jmh '\\.ExchangeBenchmark' -p topology=COMPACT " +
            "-p journal=IN_MEMORY -p flowCommands=1000 -f 1 -wi 0 -i 1 -r 200ms", Duration.ofMinutes(2));
        assertEquals(1, result.code(), result.toString());
        assertTrue(result.all().contains("the workload ran out after 1000 flow commands"), result.toString());
        // A file that is no recorded stream was found there too, with a stack trace from each fork (a reviewer gave the
        // peer's text file): its header is read before any fork starts now.
        final Shell.Result text = shell.run("scripts/bench jmh '\\.ExchangeBenchmark' -p workloadFile=README.md -f 1 " +
            "-wi 0 -i 1 -r 200ms", Duration.ofMinutes(2));
        assertEquals(2, text.code(), text.toString());
        assertTrue(text.err().startsWith("error: -p workloadFile=README.md: README.md is not a recorded workload " +
            "(format 1): the benchmark suite records them"), text.toString());
        UserOutput.assertNoStackTrace(text);
        // A stage the trial's topology lacks went to the fork too and threw there, with a stack trace; now it is a usage
        // error before any fork starts.
        final Shell.Result stage = shell.run("scripts/bench jmh '\\.ExchangeBenchmark' -p topology=COMPACT " +
            "-p journal=IN_MEMORY -p listenerPlacement=INLINE -p stageCpus=nosuch=0 -f 1 -wi 0 -i 1 -r 200ms",
            Duration.ofMinutes(2));
        assertEquals(2, stage.code(), stage.toString());
        assertTrue(stage.err().startsWith("error: -p stageCpus=nosuch=0: the exchange with topology=COMPACT and " +
            "listenerPlacement=INLINE has no stage 'nosuch'; its stages are compact"), stage.toString());
        UserOutput.assertNoStackTrace(stage);
    }

    @Test
    void shouldTravelToPositionZeroAsTheStateBeforeTheFirstCommand() throws Exception
    {
        shell.run("mkdir -p run/zero && scripts/exchange generate --commands 2_000 --seed 3 -o run/zero/commands.txt",
            QUICK).expectOk();
        shell.run("scripts/exchange run -i run/zero/commands.txt -d run/zero/journal", QUICK).expectOk();
        final Shell.Result zero = shell.run("scripts/exchange replay -d run/zero/journal --to 0", QUICK).expectOk();
        assertEquals("0", zero.value("last-position"));
        assertEquals("0", zero.value("replayed"));
        // Position 1 of an exchange journal is its settings: as of 1, the exchange is configured and empty.
        final Shell.Result one = shell.run("scripts/exchange replay -d run/zero/journal --to 1", QUICK).expectOk();
        final Shell.Result empty = shell.run("scripts/exchange run -i /dev/null -d run/zero/empty", QUICK).expectOk();
        assertEquals("1", empty.value("last-position"));
        // The key is there when nothing was rejected too, as journal replay prints it (a reviewer's script found none).
        assertEquals("none", empty.value("rejected-by-reason"), empty.toString());
        assertEquals(empty.value("state-hash"), one.value("state-hash"), "as of 1, the exchange is empty");
        final Shell.Result end = shell.run("scripts/exchange replay -d run/zero/journal", QUICK).expectOk();
        assertTrue(Long.parseLong(end.value("last-position")) > 2_000, end.toString());

        // A copy of the cycle files without Chronicle's metadata.cq4t: said in words, not as Chronicle's warning.
        final Shell.Result copy = shell.run("cp -r run/zero/journal run/zero/copy && rm run/zero/copy/metadata.cq4t && " +
            "scripts/journal verify -d run/zero/copy", QUICK).expectOk();
        assertEquals("ok", copy.value("status"), copy.toString());
        assertTrue(copy.value("chronicle-metadata").startsWith("missing (metadata.cq4t;"), copy.toString());
        assertEquals("", copy.err(), "nothing on stderr");
    }

    /**
     * A journal whose newest cycle file this user cannot write: one line that says so, before Chronicle's warning
     * and its 'Operation not permitted'. Read-only permissions bind an ordinary user; root needs the immutable
     * attribute.
     */
    @Test
    void shouldSayInOneLineThatAJournalIsNotWritable() throws Exception
    {
        shell.run("mkdir -p run/locked && scripts/exchange generate --commands 200 -o run/locked/commands.txt && " +
            "scripts/exchange run -i run/locked/commands.txt -d run/locked/journal", QUICK).expectOk();
        final boolean root = shell.run("id -u", QUICK).expectOk().out().strip().equals("0");
        final String lock = root ? "chattr +i run/locked/journal/*.cq4" : "chmod a-w run/locked/journal/*.cq4";
        final String unlock = root ? "chattr -i run/locked/journal/*.cq4" : "chmod u+w run/locked/journal/*.cq4";
        final Shell.Result locked = shell.run(lock, QUICK);
        Assumptions.assumeTrue(locked.code() == 0, "'" + lock + "' works here: " + locked);
        try
        {
            final Shell.Result unwritable = refused(1, "scripts/exchange run -i /dev/null -d run/locked/journal");
            assertTrue(unwritable.err().startsWith("error: cannot write to the journal in run/locked/journal: its newest " +
                "cycle file ") && unwritable.err().contains(" there is not writable by this user (its permissions, an " +
                "immutable attribute, or a read-only mount)."), unwritable.toString());
            assertEquals("ok", shell.run("scripts/journal verify -d run/locked/journal", QUICK).expectOk().value("status"),
                "the read-only tools read it as it is");
        }
        finally
        {
            shell.run(unlock, QUICK).expectOk();
        }
    }

    @Test
    void shouldRefuseWhatANewcomerGotWrongBeforeCreatingAnythingInOneLineOfWords() throws Exception
    {
        shell.run("mkdir -p run/refused/tmp run/refused/input && echo mine > run/refused/README.md", QUICK).expectOk();
        // The demo's temporary directory goes where java.io.tmpdir says: here, so that what it leaves can be seen.
        final String demo = "RINGLOG_JAVA_OPTS=-Djava.io.tmpdir=run/refused/tmp scripts/exchange demo ";
        final Shell.Result assets = refused(2, demo + "--max-assets 1");
        assertEquals("error: --max-assets must be between 2 (a base and a quote) and 1024 (every account keeps a " +
            "balance of each): 1\nTry 'exchange demo --help' for more information.\n", assets.err(),
            "refused before it generates a single command");
        final Shell.Result huge = refused(1, demo + "--commands 99999999999999");
        assertTrue(huge.err().startsWith("error: the demo needs about ") && huge.err().contains(" is usable there"),
            huge.toString());
        assertEquals(List.of(), list("run/refused/tmp"), "no exchange-demo-* directory left behind");

        // A path whose file will not do is the state of the disk, not a usage error: exit 1, as for run -d.
        final Shell.Result keep = refused(1, "scripts/exchange demo --keep run/refused/README.md");
        assertTrue(keep.err().startsWith("error: --keep run/refused/README.md: a file of that name already exists"),
            keep.toString());

        final Shell.Result directory = refused(1, "scripts/exchange run -i run/refused/input -d run/refused/input/bj8");
        assertEquals("error: cannot read command file run/refused/input: it is a directory\n", directory.err());
        assertEquals(List.of(), list("run/refused/input"), "no journal, no settings written at position 1");

        final Shell.Result proc = refused(1, "scripts/exchange run -i /dev/null -d /proc/x");
        assertTrue(proc.err().startsWith("error: cannot create the journal directory /proc/x: "), proc.toString());
        // A snapshot directory that cannot be made is found after the journal's open: the new journal is not left.
        final Shell.Result snapshots = refused(1, "scripts/exchange run -i run/refused/README.md -d run/refused/snapj " +
            "--snapshots /proc/x/snapshots");
        assertTrue(snapshots.err().startsWith("error: cannot prepare snapshot directory /proc/x/snapshots"),
            snapshots.toString());
        assertFalse(Files.exists(session.resolve("run/refused/snapj")), "no journal directory left behind");
        // Nor the parents it made for it (a reviewer's finding), where nothing else went into them.
        refused(1, "scripts/exchange run -i run/refused/README.md -d run/refused/made/for/j --snapshots /proc/x/snapshots");
        assertFalse(Files.exists(session.resolve("run/refused/made")), "no parent directory left behind");

        final Shell.Result output = refused(1, "scripts/exchange generate -n 10 -o run/refused/nonexistent/x.txt");
        assertEquals("error: cannot write command file run/refused/nonexistent/x.txt: no such directory " +
            "run/refused/nonexistent (create it first: mkdir -p run/refused/nonexistent)\n", output.err());
        assertFalse(Files.exists(session.resolve("run/refused/nonexistent")), "no directory created");

        // A resume into a journal with no command (a mistyped -d) ran the rest of the file into a new one.
        shell.run("scripts/exchange generate -n 200 --seed 4 -o run/refused/c.txt", QUICK).expectOk();
        final Shell.Result typo = refused(1, "scripts/exchange run -i run/refused/c.txt -d run/refused/typo " +
            "--from-line 150");
        assertTrue(typo.err().startsWith("error: run/refused/typo holds no command (it does not exist yet), and " +
            "--from-line 150 would skip lines 1..149 of run/refused/c.txt: they are in no journal here."), typo.toString());
        assertFalse(Files.exists(session.resolve("run/refused/typo")), "no journal created");
        // A pipe gives its lines once: the check before a run read them, and then told the user to add --append,
        // which applied every command a second time.
        shell.run("head -100 run/refused/c.txt | scripts/exchange run -i /dev/stdin -d run/refused/piped", QUICK)
            .expectOk();
        final Shell.Result piped = refused(1, "cat run/refused/c.txt | scripts/exchange run -i /dev/stdin " +
            "-d run/refused/piped --from-line 101");
        assertTrue(piped.err().startsWith("error: run/refused/piped already holds commands, and /dev/stdin is not a " +
            "regular file (a pipe?)"), piped.toString());
        final Shell.Result appended = shell.run("cat run/refused/c.txt | scripts/exchange run -i /dev/stdin " +
            "-d run/refused/piped --from-line 101 --append", QUICK).expectOk();
        final Shell.Result whole = shell.run("scripts/exchange run -i run/refused/c.txt -d run/refused/whole", QUICK)
            .expectOk();
        assertEquals(whole.value("state-hash"), appended.value("state-hash"), appended.toString());

        final Shell.Result usage = shell.run("scripts/exchange", QUICK);
        assertEquals(2, usage.code(), usage.toString());
        assertEquals("", usage.out(), "a usage error prints nothing a script would read as output\n" + usage);
        assertTrue(usage.err().startsWith("Usage: exchange"), usage.toString());
    }

    @Test
    void shouldSayThatNoCommandWasPublishedWhenEveryLineIsMalformed() throws Exception
    {
        shell.run("mkdir -p run/malformed && printf 'buy 10 AAPL\\nsell 5 MSFT\\n" +
            "place oid=1 acct=1 sym=1 side=BUY type=MARKET price=10 qty=1\\ndeposit acct=-5 asset=0 amount=1\\n' > " +
            "run/malformed/commands.txt",
            QUICK).expectOk();
        final Shell.Result result = shell.run("scripts/exchange run -i run/malformed/commands.txt -d run/malformed/journal",
            QUICK).expectOk();
        assertEquals("4", result.value("malformed"));
        assertTrue(result.err().contains("line 3: a MARKET order takes no price, got price=10") &&
            result.err().contains("line 4: acct must not be negative, got -5"), result.toString());
        assertEquals("0", result.value("accepted"));
        assertEquals("none", result.value("first-position"), "no first position after the last");
        assertEquals("1", result.value("last-position"), "the exchange's settings");
        assertTrue(result.err().contains("note: no command of run/malformed/commands.txt was published: all 4 of its " +
            "command lines are malformed"), result.toString());

        // A script that must tell a clean run from one that skipped lines: --strict, exit 1 after the summary.
        shell.run("printf 'deposit acct=1 asset=0 amount=100\nbuy 10 AAPL\n' > run/malformed/some.txt", QUICK)
            .expectOk();
        final Shell.Result strict = shell.run("scripts/exchange run --strict -i run/malformed/some.txt -d " +
            "run/malformed/strict", QUICK);
        assertEquals(1, strict.code(), strict.toString());
        assertEquals("1", strict.value("malformed"), strict.toString());
        assertTrue(strict.err().contains("error: --strict: 1 malformed line (above) skipped; every other command of " +
            "the file is journaled and applied"), strict.toString());
        UserOutput.assertNoStackTrace(strict);
        shell.run("printf 'deposit acct=1 asset=0 amount=100\n' > run/malformed/clean.txt", QUICK).expectOk();
        shell.run("scripts/exchange run --strict -i run/malformed/clean.txt -d run/malformed/clean", QUICK).expectOk();

        // A reviewer's: a pipe's writer cut off in amount=1000000 left amount=10, applied at exit 0, even with --strict.
        final Shell.Result cut = shell.run("printf 'deposit acct=1 asset=0 amount=100\ndeposit acct=12 asset=0 amount=10' | " +
            "scripts/exchange run --strict -i /dev/stdin -d run/malformed/cut", QUICK);
        assertEquals(1, cut.code(), cut.toString());
        assertEquals("1", cut.value("malformed"), cut.toString());
        assertEquals("1", cut.value("accepted"), cut.toString());
        assertTrue(cut.err().contains("line 2: the input ends in this line without a newline: it may have been cut off " +
            "as it was written"), cut.toString());
        UserOutput.assertNoStackTrace(cut);
    }

    @Test
    void shouldNameAMissingStateMachineClassAndHowToProvideIt() throws Exception
    {
        shell.run("scripts/ledger-demo --commands 1_000 --journal run/nope", QUICK).expectOk();
        final Shell.Result result = shell.run("scripts/journal replay -d run/nope --state-machine com.example.Nope", QUICK);
        assertEquals(1, result.code(), result.toString());
        assertTrue(result.err().contains("com.example.Nope is not on the classpath") &&
            result.err().contains("RINGLOG_CLASSPATH"), result.toString());
        UserOutput.assertNoStackTrace(result);

        // A reviewer's: a package's own directory, and a wildcard over classes, were "does not hold it" and "a path that
        // does not exist"; each now says what the classpath wants instead.
        final Path classes = Path.of(ThrowingStateMachine.class.getProtectionDomain().getCodeSource().getLocation()
            .toURI());
        final Path packageDir = classes.resolve(ThrowingStateMachine.class.getPackageName().replace('.', '/'));
        final Shell.Result inPackage = shell.run("RINGLOG_CLASSPATH=" + packageDir + " scripts/journal replay -d run/nope " +
            "--state-machine " + ThrowingStateMachine.class.getName(), QUICK);
        assertEquals(1, inPackage.code(), inPackage.toString());
        assertTrue(inPackage.err().contains("; " + packageDir + " holds ThrowingStateMachine.class at its top: name the " +
            "directory its package starts in (the one that holds io/)"), inPackage.toString());
        final Shell.Result wildcard = shell.run("RINGLOG_CLASSPATH='" + classes + "/*' scripts/journal replay -d run/nope " +
            "--state-machine com.example.Nope", QUICK);
        assertEquals(1, wildcard.code(), wildcard.toString());
        assertTrue(wildcard.err().contains("; " + classes + "/* matches no jar in " + classes + " (a wildcard takes jars " +
            "only; classes in a directory need the directory itself)"), wildcard.toString());
        UserOutput.assertNoStackTrace(wildcard);
    }

    @Test
    void shouldPrintABuggyStateMachinesFailureOnceWithACount() throws Exception
    {
        shell.run("scripts/ledger-demo --commands 1_000 --journal run/buggy", QUICK).expectOk();
        final String classes = Path.of(ThrowingStateMachine.class.getProtectionDomain().getCodeSource().getLocation()
            .toURI()).toString();
        final Shell.Result result = shell.run("RINGLOG_CLASSPATH=" + classes + " scripts/journal replay -d run/buggy " +
            "--state-machine " + ThrowingStateMachine.class.getName(), QUICK);
        // A replay in which commands threw is not a clean one: the hash is printed, and the exit says so.
        assertEquals(1, result.code(), result.toString());
        assertTrue(result.err().contains("error: 500 of the 1000 commands replayed threw in " +
            ThrowingStateMachine.class.getName()), result.toString());
        assertEquals("500", result.value("failed"), result.toString());
        assertEquals(2, result.err().lines().filter((line) -> line.startsWith("replay: ")).count(),
            "the first failure, then one line with the count\n" + result);
        assertTrue(result.err().contains("bug at position 1"), result.toString());
        assertTrue(result.err().contains("replay: 500 failures like the first"), result.toString());
    }

    @Test
    void shouldSummariseBothDemosWithTheSameKeys() throws Exception
    {
        final Shell.Result ledger = shell.run("scripts/ledger-demo --commands 10_000", QUICK).expectOk();
        final Shell.Result exchange = shell.run("scripts/exchange demo --commands 10_000", QUICK).expectOk();
        final Set<String> ledgerKeys = keys(ledger.out());
        ledgerKeys.removeAll(keys(exchange.out()));
        assertEquals(Set.of(), ledgerKeys, "keys only the ledger demo prints");
        assertEquals("true", ledger.value("replay-matches"));
    }

    @Test
    void shouldGiveJmhForksEachFlagOnceAndNoChronicleInfoLines() throws Exception
    {
        final Shell.Result result = shell.run("scripts/bench jmh '\\.PipelineBenchmark' -f 1 -wi 0 -i 1 -r 200ms " +
            "-p topology=COMPACT -p journal=CHRONICLE -p waitStrategy=PHASED", Duration.ofMinutes(3)).expectOk();
        final Matcher options = Pattern.compile("^# VM options: (.*)$", Pattern.MULTILINE).matcher(result.out());
        assertTrue(options.find(), result.toString());
        final String[] flags = options.group(1).split(" ");
        assertEquals(flags.length, new LinkedHashSet<>(List.of(flags)).size(),
            "a flag given twice: " + options.group(1));
        assertTrue(options.group(1).contains("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"), options.group(1));
        assertTrue(result.all().lines().noneMatch((line) -> line.contains(" INFO ")),
            "Chronicle's INFO lines among the iterations\n" + result);
        // JMH's header says 'Threads: 1'; the benchmark says how many run beside it (the journal's own among them), and
        // how they wait.
        assertTrue(result.out().lines().anyMatch((line) -> line.matches("Iteration +1: \\[ringlog: 4 threads " +
            "\\(JMH's 'Threads' counts only the first\\): the JMH thread publishing, bench-listener-last-position, " +
            "bench-compact, ringlog-touch-ahead-journal; the stages wait with PHASED, [0-9]+ CPUs\\] [0-9.]+ ops/s")),
            result.toString());
    }

    /**
     * stop, promote and publish where no node runs used to wait 60, 60 and 600 s, create the directory and
     * leave their requests in it, for the next node started there to act on: now one line, at once, and nothing made.
     */
    @Test
    void shouldSayAtOnceThatNoReplicaNodeRunsInADirectory() throws Exception
    {
        for (final String command : new String[]{"stop --dir run/nope", "promote --dir run/nope",
            "publish --dir run/nope -i /dev/null"})
        {
            final Shell.Result result = shell.run("scripts/replica " + command, Duration.ofSeconds(40));
            assertEquals(1, result.code(), result.toString());
            assertEquals("error: no node is running in run/nope: start one with 'scripts/replica node --role " +
                "primary|standby --dir run/nope --listen HOST:PORT --peer HOST:PORT'\n", result.err(), result.toString());
            assertEquals("", result.out(), result.toString());
            assertFalse(Files.exists(session.resolve("run/nope")), "created by '" + command + "'");
        }
    }

    /** FENCED and FAILED are what a node becomes, not roles to start one in: a usage error that offers the two. */
    @Test
    void shouldStartAReplicaNodeOnlyAsAPrimaryOrAStandby() throws Exception
    {
        final Shell.Result result = shell.run("scripts/replica node --role fenced --dir run/fenced --listen 127.0.0.1:20101 " +
            "--peer 127.0.0.1:20102", QUICK);
        assertEquals(2, result.code(), result.toString());
        assertTrue(result.err().startsWith("error: Invalid value for option '--role': expected one of [PRIMARY, STANDBY] " +
            "(case-insensitive) but was 'fenced'\n"), result.toString());
        assertTrue(result.err().contains("Try 'replica node --help'"), result.toString());
        UserOutput.assertNoStackTrace(result);
        assertFalse(Files.exists(session.resolve("run/fenced")), "created");
        final Shell.Result help = shell.run("scripts/replica publish --help", QUICK).expectOk();
        assertTrue(help.out().contains("(default: 600)") && help.out().contains("exit code 1"), help.toString());
    }
}
