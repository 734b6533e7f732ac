# hako: `make test` is what CI runs (vet, the race detector, every test).
GO ?= go
export CGO_ENABLED ?= 1

.PHONY: test vet build generate bench fmt

build:
	CGO_ENABLED=0 $(GO) build -o bin/hako ./cmd/hako

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

test: vet
	$(GO) test -race -timeout 30m ./...

generate:
	$(GO) generate ./internal/model/

fmt:
	gofmt -w $$(git ls-files '*.go')
