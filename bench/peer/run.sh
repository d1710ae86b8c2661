#!/usr/bin/env bash
# make bench-peer: tracegraph against the Neo4j GraphQL Library on the same Neo4j and
# the same generated county (docs/benchmarks.md, "tracegraph and a peer").
#
#  1. a Neo4j of its own (PEER_NEO4J_PORT, data in .neo4j-peer/) with APOC core in its
#     plugins folder (bench/peer/apoc/pom.xml, from Maven Central);
#  2. a county of PEER_PEOPLE people made by `tracegraph gen` (in bench/out/, never
#     committed) and loaded, unless that Neo4j already holds it;
#  3. the peer (bench/peer/server.mjs: @neo4j/graphql under graphql-yoga, npm ci from
#     the pinned lock) on PEER_HTTP_PORT;
#  4. `go run ./bench/peer`: same answers, then latency and throughput, interleaved.
#
# Environment: PEER_PEOPLE (100000), PEER_SEED (1), PEER_NEO4J_PORT (7718),
# PEER_HTTP_PORT (7719), PEER_NEO4J_HEAP (2g), PEER_NEO4J_PAGECACHE (1g),
# BENCH_PEER_FLAGS (passed to the Go program: --samples, --clients, --duration, --only).
# The Neo4j keeps running afterwards (make bench-peer-stop stops it); the peer stops.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
people=${PEER_PEOPLE:-100000}
seed=${PEER_SEED:-1}
port=${PEER_NEO4J_PORT:-7718}
http=${PEER_HTTP_PORT:-7719}
home=$root/.neo4j-peer
county=$root/bench/out/county-$people-$seed
uri=bolt://127.0.0.1:$port

# 1. APOC into the plugins folder (deploy/neo4j/neo4j.sh puts plugin jars on the class
# path too: embedded, Neo4j finds APOC's extensions only there).
if ! compgen -G "$home/plugins/apoc-core-*.jar" >/dev/null; then
  echo "bench-peer: fetching APOC core (bench/peer/apoc/pom.xml)"
  mkdir -p "$home/plugins"
  mvn -q -B -f bench/peer/apoc/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$home/plugins"
fi
# A store holding another county is emptied (the loader merges, it does not replace).
loaded=$(cat "$home/loaded" 2>/dev/null || true)
if [ "$loaded" != "$people-$seed" ] && [ -d "$home/data" ]; then
  echo "bench-peer: $home holds another county (${loaded:-unknown}): emptying it"
  NEO4J_PORT=$port NEO4J_HOME=$home deploy/neo4j/neo4j.sh stop
  rm -rf "$home/data" "$home/loaded"
fi
NEO4J_PORT=$port NEO4J_HOME=$home NEO4J_HEAP=${PEER_NEO4J_HEAP:-2g} NEO4J_PAGECACHE=${PEER_NEO4J_PAGECACHE:-1g} \
  deploy/neo4j/neo4j.sh start

# 2. The county (generated data stays in bench/out/, which git ignores).
go build -o bin/tracegraph ./cmd/tracegraph
if [ ! -f "$county/people.csv" ]; then
  bin/tracegraph gen --people "$people" --seed "$seed" --out "$county"
fi
if [ ! -f "$home/loaded" ]; then
  echo "bench-peer: loading $county into $uri"
  NEO4J_URI=$uri bin/tracegraph load "$county" 2>&1 | grep -v '"loading"' | tail -n 3
  echo "$people-$seed" >"$home/loaded"
fi

# 3. The peer, from the pinned lock.
if [ ! -f bench/peer/node_modules/.package-lock.json ] || [ bench/peer/package-lock.json -nt bench/peer/node_modules/.package-lock.json ]; then
  (cd bench/peer && npm ci --no-audit --no-fund)
fi
NEO4J_URI=$uri PEER_PORT=$http node bench/peer/server.mjs >"$home/peer.log" 2>&1 &
peer=$!
trap 'kill "$peer" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  grep -q '^peer: ready' "$home/peer.log" 2>/dev/null && break
  kill -0 "$peer" 2>/dev/null || { cat "$home/peer.log" >&2; exit 1; }
  sleep 0.5
done
grep '^peer: ready' "$home/peer.log"
echo "peer: @neo4j/graphql $(node -p 'require("./bench/peer/node_modules/@neo4j/graphql/package.json").version')," \
  "graphql-yoga $(node -p 'require("./bench/peer/node_modules/graphql-yoga/package.json").version')," \
  "neo4j-driver $(node -p 'require("./bench/peer/node_modules/neo4j-driver/package.json").version')," \
  "APOC $(basename "$(compgen -G "$home/plugins/apoc-core-*.jar" | head -n 1)" .jar | sed 's/apoc-core-//'), node $(node --version)"

# 4. Measure.
# shellcheck disable=SC2086
NEO4J_URI=$uri go run ./bench/peer --peer "http://127.0.0.1:$http/graphql" ${BENCH_PEER_FLAGS:-}
