# Onboard — the two commands a newcomer needs are `make dev` and `make test`.
GO        ?= go
BIN       ?= bin/onboard
WORKFLOWCHECK ?= go.temporal.io/sdk/contrib/tools/workflowcheck@v0.6.0
TEST_FLAGS ?= -count=1 -timeout 30m

FUZZTIME ?= 1m

.PHONY: dev build test lint bench fuzz fmt clean

## dev: run the whole product on this machine (Postgres, Temporal + Web UI, worker, web app, demo data)
dev: build
	$(BIN) dev

## build: build the onboard binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/onboard

## test: run every test against real parts (starts its own Postgres and Temporal)
test:
	$(GO) test $(TEST_FLAGS) ./...

## fuzz: run every fuzz target (func Fuzz... in *_test.go) for FUZZTIME each; `make test`
## runs only their seed corpora, briefly
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
	  for fn in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | cut -d' ' -f2); do \
	    echo "== $$fn ($$(dirname $$f)) for $(FUZZTIME)"; \
	    $(GO) test ./$$(dirname $$f) -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME); \
	  done; \
	done

## lint: go vet, gofmt and Temporal's workflowcheck
lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) run $(WORKFLOWCHECK) ./workflows/...

## bench: load-test task actions against a running `make dev` (see README: Benchmarks)
bench: build
	$(BIN) bench $(BENCH_FLAGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
