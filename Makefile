# vpndoctor: `make run` opens the app, `make test` runs every test.
# Both install what they need on a fresh Debian machine (Debian packages
# through apt-get, Go modules through the module proxy).

GO      ?= go
BIN     := bin/vpndoctor
VERSION := $(shell sed -n 's/^var Version = "\(.*\)"/\1/p' checks/model.go)

# What Fyne needs to build (cgo, OpenGL, X11) and what the tests use.
BUILD_DEBS := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
              libxinerama-dev libxi-dev libxxf86vm-dev
TEST_DEBS  := xvfb ca-certificates osslsigncode openssl libnss3-tools
# Real VPN parts the tests run on loopback: the AnyConnect-compatible gateway and
# client, a second TLS stack's client, a web server, and a DNS server.
VPN_DEBS   := ocserv openconnect nginx-light gnutls-bin dnsmasq-base
PKG_DEBS   := gcc-mingw-w64-x86-64 xz-utils
SHOT_DEBS  := xvfb xdotool imagemagick fonts-noto-cjk
BENCH_DEBS := openssl hyperfine dnsmasq-base
CHROME_DEBS := chromium fonts-noto-cjk poppler-utils

.PHONY: all deps build run test vet fmt-check cross wine-test package package-check bench screenshots report-shots clean mutation fuzz launch-time

all: build

deps:
	@scripts/ensure-debs.sh $(BUILD_DEBS)

# vpndoctor-probe, the permissive TLS probe, is a program of its own beside
# vpndoctor: started only when Go's TLS cannot finish a handshake, so that
# its TLS library's start-up never slows a healthy diagnosis.
# The wizard is built as scripts/package.sh ships it: without Fyne's 4.2 MB
# emoji font (no_emoji; TestFontCoversTexts checks our texts need none),
# about 150 ms less CPU per launch.
build: deps
	$(GO) build -tags no_emoji -o $(BIN) ./cmd/vpndoctor
	$(GO) build -o bin/vpndoctor-probe ./cmd/vpndoctor-probe

# Opens the wizard; with no VPN configured it starts on a practice gateway.
run: build
	./$(BIN) --demo auto

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi

vet: deps
	$(GO) vet ./...

# The engine, platform adapters and the CLI also build for Windows and macOS
# without cgo (the wizard is left out with -tags nogui).
cross:
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -tags nogui -o /dev/null ./cmd/vpndoctor
	GOOS=darwin  GOARCH=arm64 CGO_ENABLED=0 $(GO) build -tags nogui -o /dev/null ./cmd/vpndoctor
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/vpndoctor-probe
	GOOS=darwin  GOARCH=arm64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/vpndoctor-probe
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) vet ./checks/... ./platform/... ./config/...
	GOOS=darwin  GOARCH=arm64 CGO_ENABLED=0 $(GO) vet ./checks/... ./platform/... ./config/...

# The release packages are rebuilt and checked only when their inputs
# changed since the last green check on this machine (a stamp beside Go's
# build cache): a cold Windows cross-build of Fyne takes minutes.
test: deps fmt-check
	@scripts/ensure-debs.sh $(TEST_DEBS) $(VPN_DEBS) $(PKG_DEBS)
	scripts/test-ensure-debs.sh
	$(GO) vet ./...
	$(MAKE) --no-print-directory cross
	$(GO) test -race -count=1 ./...
	scripts/package-check.sh --if-changed
	scripts/wine-test.sh

# The Windows adapter's tests, for real, under Wine (part of make test).
wine-test:
	scripts/wine-test.sh

# Installable packages in dist/: the Linux tar.xz and the Windows GUI .exe
# (signed when SIGN_P12 names a PKCS#12 key; SIGN_PASS its password).
package: deps
	@scripts/ensure-debs.sh $(PKG_DEBS)
	scripts/package.sh linux windows

# Builds the packages, then tests them: a PE32+ GUI .exe with its version
# resource, a tar.xz that installs and runs.
package-check: deps
	@scripts/ensure-debs.sh $(PKG_DEBS)
	scripts/package-check.sh

# vpndoctor-cli is built as scripts/package.sh ships it (no cgo, stripped).
bench: build
	@scripts/ensure-debs.sh $(BENCH_DEBS)
	CGO_ENABLED=0 $(GO) build -trimpath -tags nogui -ldflags "-s -w" -o bin/vpndoctor-cli ./cmd/vpndoctor
	bench/compare.sh
	bench/wan.sh

screenshots: build
	@scripts/ensure-debs.sh $(SHOT_DEBS)
	scripts/screenshots.sh

report-shots: build
	@scripts/ensure-debs.sh $(CHROME_DEBS)
	scripts/report-shots.sh

# Mutation testing of the engine (gremlins over checks/*.go, then the
# scripted guard deletions). Slow: not part of make test.
mutation:
	scripts/mutation.sh

# Every fuzz target for FUZZTIME each; crashers stay in testdata/fuzz/.
FUZZTIME ?= 20s
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

# Double-click to window on the practice demo under Xvfb (median of 20).
launch-time: build
	@scripts/ensure-debs.sh $(SHOT_DEBS) python3
	VPNDOCTOR_BIN=$(BIN) scripts/launch-time.sh 20

clean:
	rm -rf bin dist screenshots report-shots bench/out
