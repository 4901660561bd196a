#!/usr/bin/env bash
# Sourced by the scripts in this folder. Builds what a script needs on first use (or when sources
# changed) and runs Java with the JVM flags defined once in the parent pom (ringlog.jvm.flags),
# which the build writes to matching-example/target/jvm.args for use as an @argfile.
#
#   RINGLOG_CLASSPATH  extra classpath entries (your StateMachine or PayloadDecoder classes)
#   RINGLOG_JAVA_OPTS  extra JVM options (e.g. -Xmx4g)
#   REBUILD=1          build even if the jar looks current
#   RINGLOG_NO_BUILD=1 never build: fail if the jar is missing or stale (tests run inside a build set it)
set -euo pipefail

RINGLOG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RINGLOG_ARGS="$RINGLOG_ROOT/matching-example/target/jvm.args"
RINGLOG_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# ringlog_ensure_built JAR_GLOB MODULE: builds MODULE (and what it needs) unless JAR_GLOB exists,
# the argfile exists, and no source is newer than the jar (the nested modules' too: bench needs
# journal/replication, for one).
ringlog_ensure_built() {
  local glob="$1" module="$2"
  if ringlog_stale "$glob"; then
    # One build at a time: scripts started together (the replica session starts two nodes with '&' and
    # publishes at once) would otherwise run Maven on the same target directories side by side, and
    # break each other's builds. Whoever waited finds the jar built and goes on.
    mkdir -p "$RINGLOG_ROOT/target"
    exec 9>"$RINGLOG_ROOT/target/.ringlog-build.lock"
    if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
      echo "waiting for another ringlog build in $RINGLOG_ROOT to finish..." >&2
      flock 9
    fi
    if [ "${REBUILD:-0}" != 1 ] && ! ringlog_stale "$glob"; then
      exec 9>&-
      RINGLOG_JAR="$(ringlog_first_match "$glob")"
      return
    fi
    ringlog_build "$glob" "$module"
    exec 9>&-
  fi
  RINGLOG_JAR="$(ringlog_first_match "$glob")"
  if [ -z "$RINGLOG_JAR" ]; then
    echo "error: the build finished but $glob is missing; run 'mvn -B -DskipTests package' in $RINGLOG_ROOT" >&2
    exit 1
  fi
}

# ringlog_stale JAR_GLOB: true when JAR_GLOB has no match, the argfile is missing, a source is newer than
# the jar, or REBUILD=1.
ringlog_stale() {
  local jar
  jar="$(ringlog_first_match "$1")"
  [ "${REBUILD:-0}" = 1 ] || [ -z "$jar" ] || [ ! -f "$RINGLOG_ARGS" ] || \
    [ -n "$(find "$RINGLOG_ROOT/pom.xml" "$RINGLOG_ROOT"/*/pom.xml "$RINGLOG_ROOT"/*/src/main \
              "$RINGLOG_ROOT"/*/*/pom.xml "$RINGLOG_ROOT"/*/*/src/main \
              -newer "$jar" -print -quit 2>/dev/null)" ]
}

# ringlog_build JAR_GLOB MODULE: builds MODULE and what it needs, quietly; on failure prints Maven's report
# and exits 1.
ringlog_build() {
  local glob="$1" module="$2" log
  echo "building ringlog $module (first use, or sources changed)..." >&2
  if [ "${RINGLOG_NO_BUILD:-0}" = 1 ]; then
    echo "error: $glob is missing or older than the sources, and RINGLOG_NO_BUILD=1 forbids building it" >&2
    exit 1
  fi
  log="$(mktemp)"
  if ! (cd "$RINGLOG_ROOT" && mvn -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
          package -pl "$module" -am) >"$log" 2>&1; then
    # Maven's own report, without the terminal colour codes Debian's Maven prints even in batch mode.
    sed 's/\x1b\[[0-9;]*m//g' "$log" >&2
    rm -f "$log"
    echo "error: the build failed; run 'mvn -B -DskipTests package' in $RINGLOG_ROOT to see why" >&2
    exit 1
  fi
  rm -f "$log"
}

# ringlog_first_match GLOB: prints the first file matching GLOB under the repository root, or nothing.
# (A glob that matches nothing must not end the script: that is the state of a fresh clone.)
ringlog_first_match() {
  local matches
  matches=( $RINGLOG_ROOT/$1 )
  if [ -e "${matches[0]}" ]; then
    printf '%s\n' "${matches[0]}"
  fi
}

# ringlog_java ARGS...: runs java with the build's flags, Chronicle's INFO logging off (and its warning that a
# copied journal lacks metadata.cq4t, which 'journal verify' reports in words, and the one that it unlocked the
# write lock of a writer that was killed: ringlog's own lock file keeps a second writer out, and says so; and the
# one that a journal's own roll cycle overrides the reader's, which is how every journal not DAILY is read), and
# RINGLOG_JAVA_OPTS. (Chronicle's disk-space monitor is off through the build's flags: it said 'your disk is almost
# full, the JVM may crash' at 47% of a small volume; a journal whose disk fills halts with the position, in words.)
# (JMH forks inherit these from the host JVM, so benchmarks get each flag once.)
ringlog_java() {
  # shellcheck disable=SC2086 # RINGLOG_JAVA_OPTS is a list of options
  exec "$RINGLOG_JAVA" @"$RINGLOG_ARGS" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder=error \
    -Dorg.slf4j.simpleLogger.log.net.openhft.chronicle.queue.impl.single.TableStoreWriteLock=error \
    -Dorg.slf4j.simpleLogger.log.net.openhft.chronicle.queue.impl.single.SCQMeta=error \
    ${RINGLOG_JAVA_OPTS:-} "$@"
}

# ringlog_run MAIN_CLASS [ARGS...]: runs a main class of the application jar (core, journal, examples).
ringlog_run() {
  local main="$1"
  shift
  ringlog_ensure_built "matching-example/target/ringlog-matching-example-*-all.jar" matching-example
  ringlog_java -cp "$RINGLOG_JAR${RINGLOG_CLASSPATH:+:$RINGLOG_CLASSPATH}" "$main" "$@"
}

# ringlog_run_kafka MAIN_CLASS [ARGS...]: runs a main class of the exchange's Kafka module
# (matching-example/kafka), whose jar is not shaded: its classpath files list the jars in the local
# Maven repository, the broker's among them (a provided dependency, never in the exchange's jar).
ringlog_run_kafka() {
  local main="$1" dir="$RINGLOG_ROOT/matching-example/kafka/target"
  shift
  ringlog_ensure_built "matching-example/kafka/target/ringlog-exchange-kafka-*[0-9T].jar" matching-example/kafka
  # ringlog_ensure_built looks at the top-level modules' sources; the Kafka modules are nested.
  if [ -n "$(find "$RINGLOG_ROOT/journal/kafka/src/main" "$RINGLOG_ROOT/matching-example/kafka/src/main" \
            "$RINGLOG_ROOT/journal/kafka/pom.xml" "$RINGLOG_ROOT/matching-example/kafka/pom.xml" \
            -newer "$RINGLOG_JAR" -print -quit 2>/dev/null)" ] || [ ! -f "$dir/runtime.classpath" ]; then
    REBUILD=1 ringlog_ensure_built "matching-example/kafka/target/ringlog-exchange-kafka-*[0-9T].jar" matching-example/kafka
  fi
  # Every command says in one line of its own what the Kafka clients warn of every second while a broker is away
  # (a connection refused, a retried request): those warnings are off; their errors still show. An engine waiting
  # idle says once that its broker stopped answering, and once that it answers again. The broker keeps its own log.
  local quiet=()
  case "${1:-}" in
    broker) ;;
    *) quiet=(-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=error) ;;
  esac
  ringlog_java ${quiet[@]+"${quiet[@]}"} -cp "$RINGLOG_JAR:$(cat "$dir/runtime.classpath"):$(cat "$dir/broker.classpath")" "$main" "$@"
}
