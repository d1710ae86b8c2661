#!/usr/bin/env bash
# make bench-peer (issue 14; bench/peer/README.md): tracegraph and the Neo4j GraphQL
# Library side by side on one Neo4j 5.26 with APOC core, over one generated county.
#
# Environment: BENCH_PEER_PEOPLE (100000), BENCH_PEER_NEO4J_PORT (7716),
# BENCH_PEER_PORT (tracegraph, 8106), BENCH_PEER_PEER_PORT (the peer, 8126),
# BENCH_PEER_FLAGS (passed to bench/peer: -sets -seq -clients -dur -only),
# BENCH_PEER_KEEP=1 leaves the Neo4j running afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
people=${BENCH_PEER_PEOPLE:-100000}
neo_port=${BENCH_PEER_NEO4J_PORT:-7716}
tg_port=${BENCH_PEER_PORT:-8106}
peer_port=${BENCH_PEER_PEER_PORT:-8126}
apoc=${BENCH_PEER_APOC_VERSION:-5.26.19}
out=$root/bench/out/peer
home=$root/.neo4j-bench-peer-$people
mkdir -p "$out/plugins"
uri=bolt://127.0.0.1:$neo_port

# APOC core (apoc.date.convertFormat, apoc.util.validatePredicate: the peer's Cypher
# calls them) from Maven Central, with apoc-common, which it needs.
for a in apoc-core apoc-common; do
  if [ ! -s "$out/plugins/$a-$apoc.jar" ]; then
    mvn -q -B dependency:copy -Dartifact=org.neo4j.procedure:$a:$apoc -DoutputDirectory="$out/plugins"
  fi
done
NEO4J_PLUGINS=$out/plugins NEO4J_PORT=$neo_port NEO4J_HOME=$home \
  NEO4J_HEAP=${BENCH_PEER_HEAP:-1g} NEO4J_PAGECACHE=${BENCH_PEER_PAGECACHE:-1g} deploy/neo4j/neo4j.sh start
stop_neo4j() {
  if [ "${BENCH_PEER_KEEP:-}" != 1 ]; then NEO4J_PORT=$neo_port NEO4J_HOME=$home deploy/neo4j/neo4j.sh stop; fi
}

go build -o "$out/tracegraph" ./cmd/tracegraph
# The county, generated and loaded once per Neo4j home (the store keeps it).
if [ ! -f "$home/loaded" ]; then
  "$out/tracegraph" gen --people "$people" --seed 1 --out "$out/county-$people" >/dev/null
  NEO4J_URI=$uri TRACEGRAPH_LOG_LEVEL=warn "$out/tracegraph" load "$out/county-$people"
  touch "$home/loaded"
fi

# The peer: @neo4j/graphql 7 on graphql-yoga, pinned by package-lock.json.
if [ ! -f bench/peer/peer/node_modules/.package-lock.json ] ||
   [ bench/peer/peer/package-lock.json -nt bench/peer/peer/node_modules/.package-lock.json ]; then
  (cd bench/peer/peer && npm ci --no-audit --no-fund)
fi

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_neo4j
}
trap cleanup EXIT
secret=$(head -c 32 /dev/urandom | base64)
NEO4J_URI=$uri TRACEGRAPH_ADDR=127.0.0.1:$tg_port TRACEGRAPH_JWT_SECRET=$secret TRACEGRAPH_LOG_LEVEL=warn \
  "$out/tracegraph" serve >"$out/tracegraph.log" 2>&1 &
pids+=($!)
(cd bench/peer/peer && NEO4J_URI=$uri PEER_PORT=$peer_port exec node server.mjs) >"$out/peer.log" 2>&1 &
pids+=($!)
for url in "http://127.0.0.1:$tg_port/healthz" "http://127.0.0.1:$peer_port/graphql?query=%7B__typename%7D"; do
  for _ in $(seq 120); do curl -fs "$url" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "$url" >/dev/null || { echo "bench-peer: $url does not answer; see $out/*.log" >&2; exit 1; }
done
token=$(TRACEGRAPH_JWT_SECRET=$secret "$out/tracegraph" token --role epidemiologist --sub bench-peer)

echo "bench-peer: $people people; tracegraph $(git rev-parse --short HEAD) on :$tg_port, @neo4j/graphql $(node -p 'require("./bench/peer/peer/node_modules/@neo4j/graphql/package.json").version') + graphql-yoga $(node -p 'require("./bench/peer/peer/node_modules/graphql-yoga/package.json").version') on Node $(node --version) on :$peer_port, Neo4j 5.26 with APOC $apoc on :$neo_port"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
go run ./bench/peer -tracegraph "http://127.0.0.1:$tg_port/graphql" -token "$token" \
  -peer "http://127.0.0.1:$peer_port/graphql" -neo4j "$uri" ${BENCH_PEER_FLAGS:-}
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
