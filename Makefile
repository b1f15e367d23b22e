# snapdoc: see README.md.
GO        ?= go
BIN       ?= bin/snapdoc
TEST_ARGS ?= -race
BENCH     ?= .
COUNT     ?= 1

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
lint: ## gofmt, go vet, and go.mod tidiness
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) mod tidy -diff

.PHONY: fuzz
fuzz: ## run each fuzz target for a short while
	@for p in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s $$p || exit 1; \
		done; \
	done

.PHONY: bench
bench: ## run the benchmarks
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(COUNT) ./...

.PHONY: clean
clean: ## remove build output
	rm -rf bin public .snapdoc
