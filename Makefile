# portsdk: every target a developer or CI needs. "make check" is what CI runs.
SHELL := /bin/bash
GO ?= go
SPECTRAL_DIR := tools/spectral
SPECTRAL := $(SPECTRAL_DIR)/node_modules/.bin/spectral
SPECS := specs/alaya.yaml specs/rainbond.yaml
# golangci-lint, built from the Go module proxy by `go run` at this pinned version (its own go.mod, checked
# against sum.golang.org; nothing added to ours). The first run builds it (about 3 minutes), the next reuse
# the build cache.
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT := $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

.PHONY: generate check-generated lint fmt-check golangci-lint spectral test check

## generate: regenerate gen/ from specs/ with the pinned oapi-codegen (go tool).
generate:
	$(GO) generate .

## check-generated: fail, naming the files, when gen/ differs from a fresh run or go.mod/go.sum are untidy.
check-generated:
	@set -euo pipefail; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp go.mod go.sum generate.go "$$tmp"/; mkdir -p "$$tmp/specs" "$$tmp/gen"; cp $(SPECS) "$$tmp/specs/"; \
	for d in gen/*/; do mkdir -p "$$tmp/$$d"; cp "$$d"config.yaml "$$tmp/$$d"; done; \
	(cd "$$tmp" && $(GO) generate .) ; \
	status=0; \
	for f in $$( { (cd "$$tmp" && ls gen/*/*.gen.go); ls gen/*/*.gen.go; } | sort -u); do \
	  if ! cmp -s "$$f" "$$tmp/$$f"; then echo "check-generated: $$f differs from a fresh 'make generate'"; status=1; fi; \
	done; \
	if ! $(GO) mod tidy -diff >/dev/null 2>&1; then echo "check-generated: 'go mod tidy' would change go.mod/go.sum"; status=1; fi; \
	if [ $$status -ne 0 ]; then echo "run 'make generate' (and 'go mod tidy') and commit the result"; fi; \
	exit $$status

## lint: gofmt, golangci-lint (.golangci.yml: go vet's analyzers, staticcheck and the linters it defends; zero
## findings allowed), and the specs through Spectral (pinned in tools/spectral, zero errors allowed).
lint: fmt-check golangci-lint spectral

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './tools/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

golangci-lint:
	$(GOLANGCI_LINT) run ./...
	cd terraform-provider-portsdk && $(GOLANGCI_LINT) run ./...

$(SPECTRAL): $(SPECTRAL_DIR)/package.json $(SPECTRAL_DIR)/package-lock.json
	cd $(SPECTRAL_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $(SPECTRAL)

spectral: $(SPECTRAL)
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity error $(SPECS)

## test: every Go test, with the race detector.
test:
	$(GO) test -race ./...

## check: everything CI runs.
check: check-generated lint test provider-test docs-check fuzz

## tofu: build OpenTofu $(TOFU_VERSION) from the Go module proxy into $(TOFU_DIR), reused when present (the first
## build takes about 4 minutes on 2 cores); `go install` refuses it (a replace directive), so it is built in place.
TOFU_VERSION ?= v1.10.10
TOFU_DIR ?= $(HOME)/.cache/portsdk-tofu/$(TOFU_VERSION)
TOFU := $(TOFU_DIR)/tofu
$(TOFU):
	@echo "building OpenTofu $(TOFU_VERSION) into $(TOFU_DIR) (about 4 minutes the first time)"
	@set -euo pipefail; mkdir -p $(TOFU_DIR); cd $(TOFU_DIR); \
	$(GO) mod download github.com/opentofu/opentofu@$(TOFU_VERSION); \
	cd "$$($(GO) env GOMODCACHE)/github.com/opentofu/opentofu@$(TOFU_VERSION)" && $(GO) build -o $(TOFU) ./cmd/tofu

## provider-test: go vet and the tests of the Terraform/OpenTofu provider (its own module,
## terraform-provider-portsdk/): acceptance tests against the in-memory servers, run by the OpenTofu of `make tofu`.
.PHONY: tofu provider-test
tofu: $(TOFU)
provider-test: $(TOFU)
	cd terraform-provider-portsdk && $(GO) vet ./... && TF_ACC=1 TF_ACC_TERRAFORM_PATH=$(TOFU) \
	  TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=portsdk $(GO) test ./...

## docs-check: compare the vendor pages in $(DOCS) (the files its sources.txt lists) with specs/; deliberate
## differences are in cmd/docscheck/allow.txt, backed by the notes in docs/servers/.
DOCS ?= docs/vendor
.PHONY: docs-check
docs-check:
	$(GO) run ./cmd/docscheck -docs $(DOCS) -specs specs -root .

## docs-fetch: download the vendor pages again from the URLs in $(DOCS)/sources.txt (HTML turned into text),
## write them into $(DOCS) only if every download succeeded, then run docs-check: "did the vendors change anything?"
## DOCS_BASE_URL=http://host:port serves every page from another scheme and host (tests, mirrors).
DOCS_BASE_URL ?=
.PHONY: docs-fetch
docs-fetch:
	$(GO) run ./cmd/docscheck fetch -docs $(DOCS) -specs specs -root . $(if $(DOCS_BASE_URL),-base-url $(DOCS_BASE_URL))

## docs-update: download the vendor pages (as docs-fetch), write into specs/ what changed that needs no person
## (docscheck update: fields added, types, required marks, enum values; one line each), regenerate gen/, build
## and test. It then exits 1 if a finding needs a person (a changed or new endpoint, a type change the client
## code would feel), printed with its page and line (also in bin/docs-update.txt); 0 otherwise. CONTRIBUTING.md
## says what to review.
.PHONY: docs-update
docs-update:
	$(GO) build -o bin/docscheck ./cmd/docscheck
	bin/docscheck fetch -docs $(DOCS) -specs specs -root . $(if $(DOCS_BASE_URL),-base-url $(DOCS_BASE_URL)) || [ $$? -eq 1 ]
	bin/docscheck update -docs $(DOCS) -specs specs -root . > bin/docs-update.txt; echo $$? > bin/docs-update.status
	@cat bin/docs-update.txt
	$(MAKE) generate
	$(GO) build ./...
	$(GO) test ./...
	@exit $$(cat bin/docs-update.status)

## demo: run portctl against its in-memory Rainbond and Alaya servers: a complete port lifecycle.
.PHONY: demo
demo:
	$(GO) run ./cmd/portctl demo

## cli-docs: regenerate portctl's Markdown reference (docs/portctl/) and the README's command table from the
## command tree (cmd/portctl-docs); TestReferenceMatchesTheCommands fails when they are stale.
.PHONY: cli-docs
cli-docs:
	$(GO) run ./cmd/portctl-docs --dir docs/portctl --readme README.md

## conformance: every request the clients send and every response the test servers return, validated against specs/.
.PHONY: conformance
conformance:
	$(GO) test -race ./conformance/...

## fuzz: run each fuzz target for $(FUZZTIME) (seed corpora in testdata/fuzz of each package). The budget is a
## count of executions, not a duration: with a duration, Go 1.26's fuzz coordinator can report a spurious
## "context deadline exceeded" failure at the deadline when a worker is mid-call (golang/go#75804, fixed in Go 1.27).
FUZZTIME ?= $(if $(CI),10000x,50000x)
FUZZ_TARGETS := ./wrapper/rainbond:FuzzRainbondResponse ./wrapper/rainbond:FuzzRainbondValidation \
	./wrapper/alaya:FuzzAlayaResponse ./wrapper/rainbond/rainbondtest:FuzzRainbondServer \
	./wrapper/alaya/alayatest:FuzzAlayaServer ./internal/portctl/portfile:FuzzParse
.PHONY: fuzz
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz: $$name in $$pkg for $(FUZZTIME)"; \
	  $(GO) test $$pkg -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME); \
	done

## bench: three contenders on the same Rainbond calls (sub-benchmarks impl=floor, hand-written net/http +
## encoding/json; impl=raw, the generated ClientWithResponses; impl=portsdk) over a canned RoundTripper and over
## loopback, at 1, 10, 100, 1000 and 10,000 ports and for every write (BENCHMARKS.md). $(BENCH_COUNT) rounds, one
## test process each running every benchmark once, the contenders' order reversed every other round
## (PORTSDK_BENCH_REVERSE), into $(BENCH_OUT); then `benchstat -col /impl`: each contender against the floor.
BENCH_COUNT ?= 10
BENCH_TIME ?= 500ms
BENCH_OUT ?= bench.out
BENCHSTAT := $(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
# rounds DIR PATTERN TIME OUT: $(BENCH_COUNT) rounds of one go test process each, reversed every other round
# (PORTSDK_BENCH_REVERSE is empty or 1: the benchmarks reverse on any non-empty value).
define rounds
	@set -euo pipefail; : > $(4); for i in $$(seq $(BENCH_COUNT)); do echo "bench: round $$i of $(BENCH_COUNT)" >&2; \
	  rev=; if [ $$(( i % 2 )) = 0 ]; then rev=1; fi; \
	  PORTSDK_BENCH_ROUND=$$i PORTSDK_BENCH_REVERSE=$$rev $(GO) test -run '^$$' -bench '$(2)' \
	    -benchmem -count 1 -benchtime $(3) $(1) >> $(4); done
endef
.PHONY: bench
bench:
	$(call rounds,./wrapper/rainbond,.,$(BENCH_TIME),$(BENCH_OUT))
	$(BENCHSTAT) -col '/impl@(floor raw portsdk)' $(BENCH_OUT)

## bench-cli: `portctl rainbond ports list` as a whole process next to the smallest net/http program doing the same
## request (tools/minimal), both freshly built and run against one rainbondtest server (BenchmarkStartup in
## cmd/portctl): $(BENCH_COUNT) rounds, then `benchstat -col /impl` (target: portctl within 1.2x of minimal).
BENCH_CLI_TIME ?= 200x
.PHONY: bench-cli
bench-cli:
	$(call rounds,./cmd/portctl,^BenchmarkStartup$$,$(BENCH_CLI_TIME),bench-cli.out)
	$(BENCHSTAT) -col '/impl@(minimal portctl)' bench-cli.out

## bench-pool: one client shared by 64 goroutines (BenchmarkParallelList, rainbondtest over loopback), default
## options against a tuned WithHTTPClient (issue 19; target: default >= 0.90 of tuned's throughput): $(BENCH_COUNT)
## rounds, the contenders' order rotating (PORTSDK_BENCH_ROUND), then `benchstat -col /client`.
BENCH_POOL_TIME ?= 1s
.PHONY: bench-pool
bench-pool:
	$(call rounds,./wrapper/rainbond,^BenchmarkParallelList$$,$(BENCH_POOL_TIME),bench-pool.out)
	$(BENCHSTAT) -col '/client@(tuned default tuned-timeout stdlib)' bench-pool.out

## bench-apply: the parallel apply of issue 27: `portctl apply` adding two ports to each of 50 components of
## `portctl fake --state`, behind a proxy adding 20 ms to every request, --parallel 1 against the default 10
## (BenchmarkApplyFleet/parallel=1 and /parallel=10): $(BENCH_APPLY_ROUNDS) rounds, then benchstat -col /parallel.
BENCH_APPLY_ROUNDS ?= 6
.PHONY: bench-apply
bench-apply: BENCH_COUNT := $(BENCH_APPLY_ROUNDS)
bench-apply:
	$(call rounds,./internal/portctl/cli,^BenchmarkApplyFleet$$,1x,bench-apply.out)
	$(BENCHSTAT) -col '/parallel@(1 10)' bench-apply.out
