# snapdoc: see README.md.
GO        ?= go
BIN       ?= bin/snapdoc
TEST_ARGS ?= -race
BENCH     ?= .
COUNT     ?= 1
BENCH_HUGO_ARGS ?=

.PHONY: build
build: ## build the binary and the sample site into public/
	$(GO) build -o $(BIN) .
	./$(BIN) build

.PHONY: serve
serve: ## preview the sample site with live reload
	$(GO) build -o $(BIN) .
	./$(BIN) serve

.PHONY: test
test: ## run every test
	$(GO) test $(TEST_ARGS) ./...

.PHONY: lint
lint: ## gofmt, go vet, staticcheck, and go.mod tidiness
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) mod tidy -diff

.PHONY: fuzz
fuzz: ## run each fuzz target for a short while
	@for p in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s $$p || exit 1; \
		done; \
	done

.PHONY: bench
bench: ## run the benchmarks, save bench.txt for benchstat, print a table
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(COUNT) -timeout 60m ./... | tee bench.txt | grep -E '^(Benchmark|ok|FAIL)' >/dev/null
	@awk 'BEGIN { printf "%-58s %14s %12s %12s\n", "benchmark", "time/op", "bytes/op", "allocs/op" } \
	  /^Benchmark/ { t = $$3; u = $$4; if (u == "ns/op") { if (t >= 1e9) { t = sprintf("%.2f s", t/1e9) } else if (t >= 1e6) { t = sprintf("%.1f ms", t/1e6) } else if (t >= 1e3) { t = sprintf("%.1f µs", t/1e3) } else { t = t " ns" } } \
	    b = ""; a = ""; for (i = 5; i < NF; i++) { if ($$(i+1) == "B/op") b = $$i; if ($$(i+1) == "allocs/op") a = $$i } \
	    printf "%-58s %14s %12s %12s\n", $$1, t, b, a }' bench.txt
	@echo "(raw results in bench.txt; compare two runs with benchstat old.txt bench.txt)"

.PHONY: dist
dist: ## build release archives for linux, macOS and Windows (amd64, arm64) and SHA256SUMS into dist/
	rm -rf dist
	$(GO) run ./internal/dist -out dist

.PHONY: bench-hugo
bench-hugo: ## cold builds of 1k, 10k and 30k lessons, snapdoc and hugo alternately; prints the ratios (BENCH_HUGO_ARGS="-sizes 1000 -runs 5")
	$(GO) build -o $(BIN) .
	$(GO) run ./generator/sitegen/cmd/benchhugo -snapdoc $(BIN) $(BENCH_HUGO_ARGS)

.PHONY: httpyac-wire
httpyac-wire: ## record again the bytes httpyac sends for the .http corpus (needs node, npm, openssl)
	runner/testdata/httpyac/record.sh
	$(GO) test -run '^TestHTTPYacWire$$' ./runner/service

.PHONY: clean
clean: ## remove build output
	rm -rf bin dist public .snapdoc
