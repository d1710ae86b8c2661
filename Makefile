# tracegraph — see README.md. Every target installs what it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

NEO4J_PORT ?= 7687
export NEO4J_PORT
GO ?= go
BIN := bin/tracegraph
TRACEGRAPH_ADDR ?= :8080
# Tests share the one user database of Neo4j Community: packages run one at a time.
GOTEST_FLAGS ?= -p 1 -count=1 -timeout 20m

.PHONY: help
help:
	@echo "make run        start Neo4j, load the demo county, serve on $(TRACEGRAPH_ADDR)"
	@echo "make test       start a separate test Neo4j (port $(TEST_NEO4J_PORT)), check generated code, vet, test"
	@echo "make neo4j      start the local development Neo4j (idempotent); make neo4j-stop, neo4j-status"
	@echo "make build      build $(BIN)"
	@echo "make generate   regenerate the GraphQL code (gqlgen)"
	@echo "make web        build the pages (web/dist/page: the app and the IDE, embedded in the binary; build, test and run do it first)"
	@echo "make test-web   browser tests of the page in Debian's chromium (make test runs them)"
	@echo "make bench-load generate 100,000 people, load them and compare with a bare baseline (empties Neo4j)"
	@echo "make bench-trace contactChain, risk and clusters through GraphQL and the service on the loaded graph (reads only)"
	@echo "make bench      bench-load, then bench-trace on the county it loaded (empties Neo4j)"
	@echo "make bench-peer tracegraph beside @neo4j/graphql 7 on one Neo4j (port 7716) and a 100,000-person county: equal answers, then latency and throughput"

.PHONY: neo4j neo4j-stop neo4j-status
neo4j:
	@deploy/neo4j/neo4j.sh start
neo4j-stop:
	@deploy/neo4j/neo4j.sh stop
neo4j-status:
	@deploy/neo4j/neo4j.sh status

.PHONY: build generate check-generated web
build: web
	$(GO) build -o $(BIN) ./cmd/tracegraph

# The pages (web/: the command centre's page and the GraphQL IDE): built with npm into
# web/dist/page, which the Go binary embeds, so every target that compiles Go builds it
# first (a plain `go build` without it embeds the small committed web/dist/fallback
# page instead). npm ci runs when the lock file changed.
WEB_SOURCES := $(shell find web/src web/index.html web/ide.html web/vite.config.ts web/tsconfig.json web/package.json web/package-lock.json -type f 2>/dev/null)
web: web/dist/page/index.html
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
web/dist/page/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

generate:
	$(GO) tool gqlgen generate

# Fails when the generated code differs from what gqlgen makes of the schema (it
# compares the working tree before and after generating, so it works on uncommitted edits).
GENERATED_SUM = find schema resolvers -name '*.go' -print0 | sort -z | xargs -0 sha256sum
check-generated:
	@before=$$($(GENERATED_SUM)); $(GO) tool gqlgen generate; after=$$($(GENERATED_SUM)); \
	  if [ "$$before" != "$$after" ]; then \
	    echo "generated GraphQL code was stale: gqlgen has now regenerated it; review and commit" >&2; exit 1; fi

.PHONY: test vet
vet: web
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...

# Tests delete all data of the Neo4j they use, so they get their own: a second local
# Neo4j on TEST_NEO4J_PORT with its data in .neo4j-test/, or the one named by
# TRACEGRAPH_TEST_NEO4J_URI. They never use NEO4J_URI (a developer's or a county's graph).
TEST_NEO4J_PORT ?= 7688
TEST_NEO4J_URI = $${TRACEGRAPH_TEST_NEO4J_URI:-bolt://127.0.0.1:$(TEST_NEO4J_PORT)}
.PHONY: test-neo4j test-neo4j-stop
test-neo4j:
	@if [ -z "$$TRACEGRAPH_TEST_NEO4J_URI" ]; then \
	  NEO4J_PORT=$(TEST_NEO4J_PORT) NEO4J_HOME=$(CURDIR)/.neo4j-test NEO4J_HEAP=$${NEO4J_TEST_HEAP:-1g} \
	  NEO4J_PAGECACHE=$${NEO4J_TEST_PAGECACHE:-512m} deploy/neo4j/neo4j.sh start; fi
test-neo4j-stop:
	@NEO4J_PORT=$(TEST_NEO4J_PORT) NEO4J_HOME=$(CURDIR)/.neo4j-test deploy/neo4j/neo4j.sh stop

# TRACEGRAPH_WANT_FULL_PAGE: the page tests fail rather than test the fallback page.
test: web check-generated vet fuzz test-neo4j
	TRACEGRAPH_WANT_FULL_PAGE=1 TRACEGRAPH_TEST_NEO4J_URI=$(TEST_NEO4J_URI) $(GO) test $(GOTEST_FLAGS) ./...
	@$(MAKE) --no-print-directory test-web

# Browser tests: the real server over the test Neo4j with a bundle loaded, driven in
# Debian's chromium (installed by web/scripts/ensure-chromium.sh; never downloaded by
# Playwright). Screenshots go to web/test-artifacts/.
WEB_TEST_PORT ?= 8093
WEB_TEST_BUNDLE ?= $(if $(wildcard examples/county),examples/county,testdata/conformance/case01/bundle)
.PHONY: test-web
test-web: build test-neo4j
	@web/scripts/ensure-chromium.sh
	NEO4J_URI=$(TEST_NEO4J_URI) TRACEGRAPH_BIN=$(BIN) \
	  WEB_TEST_BUNDLE=$(WEB_TEST_BUNDLE) WEB_TEST_PORT=$(WEB_TEST_PORT) node web/tests/browser.test.mjs

# A short run of each fuzz target (go test -fuzz takes one target at a time).
FUZZTIME ?= 3s
FUZZ_TARGETS ?= loader:FuzzParseRows loader:FuzzParseIDNumber loader:FuzzParseTime
.PHONY: fuzz
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  out=$$($(GO) test ./$${t%%:*} -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) 2>&1) || \
	    { echo "$$out" >&2; echo "fuzz $$t failed (the failing input is saved under $${t%%:*}/testdata/fuzz)" >&2; exit 1; }; \
	done; echo "fuzz: $(FUZZ_TARGETS) ok ($(FUZZTIME) each)"

# Generates 100,000 people, loads them, then loads the same rows through a bare
# UNWIND … CREATE baseline; prints rows/s and the ratio. It empties the Neo4j it uses.
BENCH_LOAD_FLAGS ?= --people 100000
.PHONY: bench-load
bench-load: neo4j
	NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:$(NEO4J_PORT)} $(GO) run ./bench/load $(BENCH_LOAD_FLAGS)

.PHONY: run
# The demo's quarantine engine runs once a day at noon over the story (SPEC §6: runs are
# idempotent, so running make run again changes nothing), so that every quarantine
# figure of the dashboard has assignments behind it at any asOf of January–February 2020.
DEMO_RUN_DAYS ?= 2020-01-19 2020-01-20 2020-01-21 2020-01-22 2020-01-23 2020-01-24 2020-01-25 2020-01-26 \
  2020-01-27 2020-01-28 2020-01-29 2020-01-30 2020-01-31 2020-02-01 2020-02-02 2020-02-03 2020-02-04 \
  2020-02-05 2020-02-06 2020-02-07 2020-02-08 2020-02-09
run: neo4j build
	@NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:$(NEO4J_PORT)} $(BIN) load examples/county
	@for d in $(DEMO_RUN_DAYS); do \
	  NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:$(NEO4J_PORT)} TRACEGRAPH_LOG_LEVEL=warn $(BIN) quarantine --as-of "$$d 12:00" > /dev/null || exit 1; \
	done; echo "quarantine: the demo's daily runs from $(firstword $(DEMO_RUN_DAYS)) to $(lastword $(DEMO_RUN_DAYS)) done"
	@NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:$(NEO4J_PORT)} TRACEGRAPH_ADDR=$(TRACEGRAPH_ADDR) \
	  TRACEGRAPH_DEV=$${TRACEGRAPH_DEV:-1} $(BIN) serve

# Benchmarks the tracing queries on the graph in Neo4j (load a generated county first);
# see docs/benchmarks.md. Reads only.
.PHONY: bench-trace
bench-trace: neo4j
	NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:$(NEO4J_PORT)} $(GO) run ./bench/trace $(BENCH_TRACE_FLAGS)
# SPEC §9 names `make bench`: the load benchmark, then the tracing benchmark on the county
# it has just loaded. Like bench-load it empties the Neo4j it uses.
.PHONY: bench
bench: bench-load
	$(MAKE) bench-trace

# The quarantine engine's share of a run on a county-sized quarantine state (docs/benchmarks.md).
.PHONY: bench-quarantine
bench-quarantine:
	@if [ -z "$$NEO4J_URI" ]; then deploy/neo4j/neo4j.sh start; fi
	NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:$(NEO4J_PORT)} \
	  $(GO) test -count=1 -run '^$$' -bench BenchmarkQuarantineRun -benchtime 3x -timeout 30m ./graph/

# tracegraph beside the Neo4j GraphQL Library (@neo4j/graphql 7 on graphql-yoga) on one
# Neo4j with APOC core on port 7716 and one generated county (BENCH_PEER_PEOPLE, 100,000):
# equal answers first, then p50/p95 and throughput at 8 clients (bench/peer/README.md).
.PHONY: bench-peer
bench-peer:
	bench/peer/run.sh
