#!/usr/bin/env bash
# Shared by the scripts in this directory (source it): finds the repository, builds on first use,
# and runs a main class with the project's JVM flags (scripts/jvm.args, written by the build from
# the parent pom's ringlog.jvm.flags) and the shaded jar of matching-example, which bundles core,
# journal and their dependencies.
#
#   RINGLOG_CLASSPATH  extra classpath entries (e.g. your StateMachine or PayloadDecoder classes)
#   RINGLOG_JAVA_OPTS  extra JVM options (e.g. -Xmx4g)
#   JAVA               the java executable (default: java on the PATH, or $JAVA_HOME/bin/java)

RINGLOG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ringlog_jar() {
  local jar
  for jar in "$RINGLOG_ROOT"/matching-example/target/ringlog-matching-example-*-all.jar; do
    [[ -f "$jar" ]] && { echo "$jar"; return 0; }
  done
  return 1
}

ringlog_build_if_needed() {
  if ! ringlog_jar >/dev/null || [[ ! -f "$RINGLOG_ROOT/scripts/jvm.args" ]]; then
    echo "ringlog: first use, building (mvn -q -B -DskipTests package)..." >&2
    (cd "$RINGLOG_ROOT" && mvn -q -B -DskipTests package) >&2 || { echo "ringlog: build failed" >&2; exit 1; }
  fi
  ringlog_jar >/dev/null || { echo "ringlog: no shaded jar in matching-example/target after the build" >&2; exit 1; }
}

ringlog_java() {
  if [[ -n "${JAVA:-}" ]]; then echo "$JAVA"
  elif [[ -n "${JAVA_HOME:-}" ]]; then echo "$JAVA_HOME/bin/java"
  else echo java
  fi
}

# ringlog_run MAIN_CLASS [ARGS...]: replaces the shell with the JVM.
ringlog_run() {
  local main="$1"; shift
  ringlog_build_if_needed
  local cp
  cp="$(ringlog_jar)${RINGLOG_CLASSPATH:+:$RINGLOG_CLASSPATH}"
  # shellcheck disable=SC2086 # RINGLOG_JAVA_OPTS is a list of options
  exec "$(ringlog_java)" @"$RINGLOG_ROOT/scripts/jvm.args" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    ${RINGLOG_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}
