# Thin aliases for go commands; `go test ./...` works without make.
GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
DATA    ?= ./fundus-data
ADDR    ?= 127.0.0.1:8080
SHARED  ?= ../shared

.PHONY: build run test check fmt vet staticcheck fuzz eval eval-ablate bench-ingest bench-search bench-load bench-abuse bench-cluster clean axe-core screenshots

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/fundus ./cmd/fundus

## run: build and serve the demo knowledge base on http://$(ADDR)
run: build
	./bin/fundus serve --demo --data $(DATA) --addr $(ADDR) --log-level info

## test: every test, with the race detector (set CI=true to make tests that
## need ../shared or Chromium fail instead of skip). The ranking-quality gate
## (search/eval) runs without it: it is single-threaded evaluation, and the
## race detector would make it ten times slower.
test:
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v '/search/eval$$')
	$(GO) test -count=1 ./search/eval

check: fmt vet staticcheck

## axe-core: install the pinned accessibility checker (npm) that
## TestAccessibility injects into Chromium; without it that test skips.
AXE_VERSION ?= 4.14.1
axe-core:
	npm install --no-save --no-package-lock --no-audit --no-fund --prefix .ci/axe axe-core@$(AXE_VERSION)

## screenshots: the README's pictures of the web interface, the first
## screen of each page at desktop and phone width (needs Chromium)
screenshots:
	SCREENSHOT_DIR=$(CURDIR)/docs SCREENSHOT_FIRST_SCREEN=1 $(GO) test -count=1 -run 'TestBrowser$$/screenshots' ./web

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

## fuzz: run each parser fuzz target for a short while
FUZZTIME ?= 20s
fuzz:
	for t in markdown:FuzzMarkdown jsonl:FuzzJSON jsonl:FuzzJSONLines html:FuzzHTML pdf:FuzzPDF; do \
		$(GO) test ./indexer/parse/$${t%%:*} -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 3s || exit 1; \
	done
	$(GO) test ./search/querylang -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	for t in FuzzCompileQuery FuzzMakeSnippet; do \
		$(GO) test ./search -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) || exit 1; \
	done
	for t in FuzzParseSearch FuzzPageSearch; do \
		$(GO) test ./web -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

## eval: ranking quality of every collection (our German set, xquad-dev de/en/mixed, xquad-dev among
## the German fortunes of fortunes-de, SciFact),
## Fundus against plain Bleve measured in the same run, one table (EVAL_FLAGS=--tuning FILE to try weights)
EVAL_FLAGS ?=
eval: build
	./bin/fundus eval --suite --shared $(SHARED) $(EVAL_FLAGS)

## eval-ablate: the same with each ranking feature switched off, alone and all together (the BENCHMARKS.md table)
eval-ablate: build
	./bin/fundus eval --suite --ablate --shared $(SHARED)

## bench-ingest: fundus ingest vs a plain Bleve batch index on SciFact
bench-ingest: build
	$(GO) run ./cmd/fundus-bench ingest --fundus ./bin/fundus --corpus $(SHARED)/eval/scifact/corpus.jsonl

## bench-load: 60 s of 16 clients on loopback, 90% searches and 10% writes; errors and lost documents must be 0
## (BENCH_LOAD_FLAGS=--duration 10s for a quick run)
BENCH_LOAD_FLAGS ?=
bench-load: build
	$(GO) run ./cmd/fundus-bench load --fundus ./bin/fundus --corpus $(SHARED)/eval/scifact/corpus.jsonl $(BENCH_LOAD_FLAGS)

## bench-search: search latency and throughput over HTTP against plain Bleve, SciFact and 100k synthetic documents
## (BENCH_SEARCH_FLAGS=--skip-100k for a quick run)
BENCH_SEARCH_FLAGS ?=
bench-search: build
	$(GO) run ./cmd/fundus-bench search --fundus ./bin/fundus --scifact $(SHARED)/eval/scifact $(BENCH_SEARCH_FLAGS)

## bench-abuse: a normal client's SciFact searches, alone and then beside one client firing 40 concurrent
## queries of 55 two-letter prefixes (and then the widest query the budget admits); loopback only
## (BENCH_ABUSE_FLAGS=--duration 10s for a quick run)
BENCH_ABUSE_FLAGS ?=
bench-abuse: build
	$(GO) run ./cmd/fundus-bench abuse --fundus ./bin/fundus --scifact $(SHARED)/eval/scifact $(BENCH_ABUSE_FLAGS)

## bench-cluster: three cluster nodes (child processes on loopback) against one node in the same run: write
## throughput and ack latency (PUT of SciFact abstracts), replication lag, search throughput over the nodes
## in 2 rounds of alternating order (BENCH_CLUSTER_FLAGS=--rounds 1 --writes 200 --probes 20 for a quick run)
BENCH_CLUSTER_FLAGS ?=
bench-cluster: build
	$(GO) run ./cmd/fundus-bench cluster --fundus ./bin/fundus --scifact $(SHARED)/eval/scifact $(BENCH_CLUSTER_FLAGS)

clean:
	rm -rf bin
