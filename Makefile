# The two commands of the README:
#   make example   score the shipped example portfolio
#   make test      the whole test suite, as CI runs it (.ci/run calls it)
# Both install what they need first.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LINT_PATHS := Package.swift Sources Tests Benchmarks Fuzz

.PHONY: example test deps test-deps packages build release fresh-modules bench bench-compare bench-backtest bench-smoke fuzz lint format check-architecture clean

example: deps build
	.build/debug/policyscore score Examples/portfolio.csv --out reports/example

# The store's tests run on SQLite and, on a throwaway PostgreSQL cluster
# that Tests/postgres.sh starts on a loopback port and stops after, on
# PostgreSQL too; where it cannot start they run on SQLite alone, and say so.
test: test-deps lint check-architecture fresh-modules
	$(SWIFT) build --build-tests
	@if url=$$(Tests/postgres.sh start); then \
	  echo "PostgreSQL for the store tests: $$url"; \
	else \
	  echo "PostgreSQL did not start: the store tests run on SQLite only"; url=""; \
	fi; \
	POLICYSCORE_TEST_POSTGRES="$$url" $(SWIFT) test; status=$$?; \
	Tests/postgres.sh stop; exit $$status
	$(MAKE) --no-print-directory bench-smoke

# The benchmark on small files, debug build: it runs, nothing is timed.
bench-smoke:
	.build/debug/policyscore-bench --rows 2000 --sensitivity 200x50 --scenarios 200x3

build: fresh-modules
	$(SWIFT) build --product policyscore

# The release binary, .build/release/policyscore, with the Swift libraries
# linked in: a start no longer spends half its time in the dynamic loader
# (`policyscore --version` 0.009 s against 0.020 s), and the binary needs no
# Swift toolchain where it runs, only the system's SQLite, libxml2 and ICU.
# Every release build here uses these flags, so that none rebuilds another's.
RELEASE := build -c release --static-swift-stdlib

release: deps fresh-modules
	$(SWIFT) $(RELEASE) --product policyscore

# SwiftPM's incremental build does not always rebuild a target whose code
# has another target's struct layout compiled in when that struct gains or
# loses a stored property (swiftlang/swift-package-manager#10502): the binary
# then crashes, or misreads memory. Before each build here, when any Swift
# file changed since the last, every one is touched, so that every target
# is rebuilt: no example, test run or benchmark uses a binary built half
# stale, after an edit or a pull.
SOURCES_STAMP := .build/sources.stamp
SWIFT_DIRS := Sources Tests Benchmarks Fuzz
fresh-modules:
	@mkdir -p .build; \
	if [ ! -f $(SOURCES_STAMP) ] || [ -n "$$(find Package.swift $(SWIFT_DIRS) -name '*.swift' -newer $(SOURCES_STAMP) -print -quit)" ]; then \
	  find $(SWIFT_DIRS) -name '*.swift' -exec touch {} +; \
	fi; \
	touch $(SOURCES_STAMP)

# System packages: libsqlite3-dev for the history store (GRDB), and for the
# tests headless Chromium with a CJK font (report.html) and a PostgreSQL
# server (the shared store). Installed once, with sudo when not root, never
# prompting.
SYSTEM_PACKAGES := libsqlite3-dev
TEST_PACKAGES := chromium fonts-noto-cjk postgresql

deps:
	@$(MAKE) --no-print-directory packages PACKAGES="$(SYSTEM_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory packages PACKAGES="$(SYSTEM_PACKAGES) $(TEST_PACKAGES)"

packages:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Release build, then the stage table, sensitivity and scenario timings.
bench: deps fresh-modules
	$(SWIFT) $(RELEASE) --product policyscore-bench
	.build/release/policyscore-bench $(BENCH_ARGS)

# BENCHMARKS.md's tables: the stages on 10k, 100k and 1M rows, then PolicyScore
# end to end against the pandas and polars baselines on 100, 10k and 1M rows,
# three runs each. The Python packages go into .build-bench-venv
# (Benchmarks/baselines/setup.sh).
COMPARE_ROWS ?= 100,10000,1000000
bench-compare: deps fresh-modules
	$(SWIFT) $(RELEASE) --product policyscore-bench
	$(SWIFT) $(RELEASE) --product policyscore
	.build/release/policyscore-bench --rows 10000,100000,1000000
	.build/release/policyscore-bench --compare $(COMPARE_ROWS) --python "$$(Benchmarks/baselines/setup.sh)"

# BENCHMARKS.md's back-test figure: 5,000 tickers × 10 years of daily closes.
bench-backtest: deps fresh-modules
	$(SWIFT) $(RELEASE) --product policyscore-bench
	$(SWIFT) $(RELEASE) --product policyscore
	.build/release/policyscore-bench --backtest 5000x10

# libFuzzer on the importer (any bytes as a portfolio file), then on the YAML
# readers (any bytes as a scenario and a job file): FUZZ_SECONDS of fuzzing
# each, from the fixtures' and the shipped files' corpus; a crash or a hang is
# written to Fuzz/crash-* or Fuzz/timeout-*.
FUZZ_SECONDS ?= 300
FUZZ_FLAGS = -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 -print_final_stats=1 -artifact_prefix=Fuzz/
fuzz: deps
	POLICYSCORE_FUZZ=1 $(SWIFT) build --scratch-path .build-fuzz --sanitize fuzzer --product policyscore-fuzz
	mkdir -p .build-fuzz/corpus .build-fuzz/corpus-yaml
	cp Fuzz/corpus/* .build-fuzz/corpus/
	cp Fuzz/corpus-yaml/* Scenarios/*.yaml Examples/*.yaml .build-fuzz/corpus-yaml/
	SWIFT_BACKTRACE=enable=no .build-fuzz/debug/policyscore-fuzz .build-fuzz/corpus $(FUZZ_FLAGS)
	SWIFT_BACKTRACE=enable=no POLICYSCORE_FUZZ_INPUT=yaml POLICYSCORE_MODELS=Models \
	  .build-fuzz/debug/policyscore-fuzz .build-fuzz/corpus-yaml $(FUZZ_FLAGS)

lint:
	$(SWIFT) format lint --strict --recursive --parallel $(LINT_PATHS)

format:
	$(SWIFT) format format --in-place --recursive --parallel $(LINT_PATHS)

# What the compiler cannot see. The targets' dependencies already make an
# arrow running back up a compile error; a target may still import a module
# its dependencies use, so: Yams only in the model, GRDB only in the store,
# ArgumentParser only in the command line; and the engine never prints or exits.
ENGINE := $(filter-out Sources/policyscore Sources/CSHA256 Sources/CAllocator,$(wildcard Sources/*))
check-architecture:
	@! grep -rnE '^\s*(public |internal |@preconcurrency )?import ArgumentParser' $(ENGINE) || { echo "ArgumentParser imported by the engine"; exit 1; }
	@! grep -rnE '(^|[^.A-Za-z_])(print|exit)\(' $(ENGINE) || { echo "print( or exit( in the engine"; exit 1; }
	@! grep -rlE 'import Yams' Sources | grep -v '^Sources/PolicyModel/' || { echo "Yams imported outside PolicyModel"; exit 1; }
	@! grep -rlE 'import GRDB' Sources | grep -v '^Sources/HistoryStore/' || { echo "GRDB imported outside HistoryStore"; exit 1; }
	@echo "architecture ok"

clean:
	rm -rf .build reports
