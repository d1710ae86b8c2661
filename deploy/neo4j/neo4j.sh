#!/usr/bin/env bash
# Starts, stops and reports on the local development Neo4j (Community 5.26, embedded in
# a small Java program; see deploy/neo4j/README.md). Production uses a real server.
#
#   deploy/neo4j/neo4j.sh start|stop|status
#   deploy/neo4j/neo4j.sh import ARGS…   (Neo4j's bulk importer on the stopped store;
#                                         `tracegraph load --bulk` calls it)
#
# Environment: NEO4J_HOME (data and logs, default .neo4j), NEO4J_PORT (Bolt, 7687),
# NEO4J_HEAP (2g), NEO4J_PAGECACHE (2g), NEO4J_PASSWORD (auth on when set),
# NEO4J_START_TIMEOUT (seconds, 180), NEO4J_JAVA_OPTS (extra JVM flags of the server,
# e.g. -XX:TieredStopAtLevel=1), NEO4J_IMPORT_HEAP (the importer's heap, 1g),
# NEO4J_PLUGINS (a folder of procedure jars such as
# APOC: loaded from $NEO4J_HOME/plugins and put on the class path, which APOC's
# extension needs in an embedded server; bench/peer uses it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
home=${NEO4J_HOME:-$root/.neo4j}
case "$home" in /*) ;; *) home=$root/$home ;; esac
port=${NEO4J_PORT:-7687}
heap=${NEO4J_HEAP:-2g}
pagecache=${NEO4J_PAGECACHE:-2g}
timeout=${NEO4J_START_TIMEOUT:-180}
log=$home/server.log
pidfile=$home/neo4j.pid

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

build() {
  local cp=$here/target/classpath.txt
  local stale=
  for f in "$here/pom.xml" "$here"/src/main/java/tracegraph/neo4j/*.java; do
    [ "$f" -nt "$cp" ] && stale=1
  done
  if [ ! -s "$cp" ] || [ -n "$stale" ]; then
    echo "neo4j: building the launcher (Maven; the first time downloads Neo4j ${NEO4J_VERSION:-5.26})" >&2
    mvn -q -B -f "$here/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$cp" >&2
  fi
}

# plugin_classpath copies NEO4J_PLUGINS' jars into $home/plugins (where Neo4j finds
# procedures) and prints them as class path entries (where APOC's extension is found).
plugin_classpath() {
  [ -n "${NEO4J_PLUGINS:-}" ] || return 0
  mkdir -p "$home/plugins"
  local jar
  for jar in "$NEO4J_PLUGINS"/*.jar; do
    [ -e "$jar" ] || continue
    cp -f "$jar" "$home/plugins/"
    printf ':%s' "$home/plugins/$(basename "$jar")"
  done
}

start() {
  if answers; then
    echo "neo4j: already answering on bolt://127.0.0.1:$port"
    return 0
  fi
  build
  mkdir -p "$home"
  : >"$log"
  # Neo4j's own recommended JVM flags for Java 17; -XX:+ExitOnOutOfMemoryError so a
  # starved server dies visibly instead of limping.
  # NEO4J_JAVA_OPTS is split on spaces on purpose (a list of flags).
  # shellcheck disable=SC2086
  NEO4J_HOME=$home NEO4J_PORT=$port NEO4J_PAGECACHE=$pagecache \
    setsid nohup java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    ${NEO4J_JAVA_OPTS:-} \
    -XX:-OmitStackTraceInFastThrow \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    -Dio.netty.tryReflectionSetAccessible=true -Dfile.encoding=UTF-8 \
    -cp "$here/target/classes:$(cat "$here/target/classpath.txt")$(plugin_classpath)" tracegraph.neo4j.Server \
    >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  local started=$SECONDS
  while ! grep -aq '^neo4j: ready' "$log" 2>/dev/null; do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "neo4j: the server exited while starting; last lines of $log:" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
    if (( SECONDS - started > timeout )); then
      echo "neo4j: not ready after ${timeout}s; last lines of $log:" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
    sleep 0.5
  done
  grep -a '^neo4j: ready' "$log" | tail -n 1
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    echo "neo4j: not running (no live pid in $pidfile)"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "neo4j: stopped"; return 0; }
    sleep 0.5
  done
  echo "neo4j: still running after 60s; killing $pid" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

status() {
  local pid
  if answers; then
    if pid=$(running_pid); then
      echo "neo4j: running (pid $pid) on bolt://127.0.0.1:$port, home $home"
    else
      echo "neo4j: something answers on bolt://127.0.0.1:$port (not started by this script)"
    fi
    return 0
  fi
  echo "neo4j: not answering on bolt://127.0.0.1:$port"
  return 3
}

# import runs Neo4j's bulk importer (ImportCommand.Full, `neo4j-admin database import
# full`) in the foreground on this home's store; the server must be stopped (the importer
# also refuses a locked store).
import_() {
  if running_pid >/dev/null; then
    echo "neo4j: the server on $home is running (pid $(cat "$pidfile")); stop it first (make neo4j-stop)" >&2
    return 1
  fi
  build
  mkdir -p "$home"
  # exec: a bulk load that is killed takes the importer with it (Pdeathsig).
  NEO4J_HOME=$home exec java -Xms256m -Xmx"${NEO4J_IMPORT_HEAP:-1g}" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    -Dio.netty.tryReflectionSetAccessible=true -Dfile.encoding=UTF-8 \
    -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" tracegraph.neo4j.Import "$@"
}

case "${1:-}" in
  start) start ;;
  import) shift; import_ "$@" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|import ARGS…" >&2; exit 2 ;;
esac
