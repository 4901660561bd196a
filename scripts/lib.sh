#!/usr/bin/env bash
# Sourced by the scripts in this folder: builds the runnable jar on first use (or when sources
# changed) and runs a main class with the JVM flags defined once in the parent pom
# (ringlog.jvm.flags, written by the build to matching-example/target/jvm.args).
set -euo pipefail

RINGLOG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RINGLOG_ARGS="$RINGLOG_ROOT/matching-example/target/jvm.args"
RINGLOG_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

ringlog_jar() {
  ls "$RINGLOG_ROOT"/matching-example/target/ringlog-matching-example-*-all.jar 2>/dev/null | head -n 1
}

ringlog_build_if_needed() {
  local jar
  jar="$(ringlog_jar)"
  if [ -z "$jar" ] || [ ! -f "$RINGLOG_ARGS" ] || \
     [ -n "$(find "$RINGLOG_ROOT/pom.xml" "$RINGLOG_ROOT/core/src/main" "$RINGLOG_ROOT/journal/src/main" \
               "$RINGLOG_ROOT/matching-example/src/main" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "building ringlog (first use, or sources changed)..." >&2
    if ! (cd "$RINGLOG_ROOT" && mvn -B -q -DskipTests package -pl matching-example -am) >&2; then
      echo "error: the build failed; run 'mvn -B -DskipTests package' in $RINGLOG_ROOT to see why" >&2
      exit 1
    fi
  fi
}

# ringlog_run MAIN_CLASS [ARGS...]
ringlog_run() {
  local main="$1"
  shift
  ringlog_build_if_needed
  exec "$RINGLOG_JAVA" @"$RINGLOG_ARGS" -cp "$(ringlog_jar)" "$main" "$@"
}
