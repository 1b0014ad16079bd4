# Marconi: a thin wrapper over scripts/setup.sh, CMake, ctest and pytest.
#   make run    set up, build, start the server on 127.0.0.1:8888 (SQLite under ./marconi-data)
#   make test   set up, build, run the unit and conformance tests (ctest), the e2e suite (pytest)
#               and the reliability checks
#   make reliability  crash safety under SIGKILL and a 30 s soak (tests/reliability); part of make test
#   make soak   the soak alone for SOAK_SECONDS (default 600): RSS and open fds must stay flat
#   make bench  load scenarios and micro-benchmarks on a Release build (docs/performance.md)
BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
PYTHON     ?= /usr/bin/python3
MARCONI    := $(BUILD_DIR)/src/app/marconi
ARGS       ?=

.PHONY: setup configure build run test unit e2e clean

setup:
	bash scripts/setup.sh

configure: setup
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	cmake --build $(BUILD_DIR)

run: build
	./$(MARCONI) serve $(ARGS)

# Runs every suite even if an earlier one fails, and fails if any failed.
test: build
	@rc=0; \
	$(MAKE) --no-print-directory unit || rc=1; \
	$(MAKE) --no-print-directory e2e || rc=1; \
	$(MAKE) --no-print-directory reliability || rc=1; \
	exit $$rc

unit:
	ctest --test-dir $(BUILD_DIR) --output-on-failure --no-tests=error -j2

e2e:
	MARCONI_BIN=$(abspath $(MARCONI)) $(PYTHON) -m pytest tests/e2e -q

# Crash safety (SIGKILL loop, sync=full and sync=normal) and a short soak; -s shows their counts.
RELIABILITY_SOAK_SECONDS ?= 30
SOAK_SECONDS ?= 600
.PHONY: reliability soak
reliability:
	MARCONI_BIN=$(abspath $(MARCONI)) MARCONI_SOAK_SECONDS=$(RELIABILITY_SOAK_SECONDS) \
	    $(PYTHON) -m pytest tests/reliability -q -s

# The soak alone, for SOAK_SECONDS (RSS and open fds must stay flat).
soak:
	MARCONI_BIN=$(abspath $(MARCONI)) MARCONI_SOAK_SECONDS=$(SOAK_SECONDS) \
	    $(PYTHON) -m pytest tests/reliability/test_soak.py -q -s

# Load benchmarks (bench/, docs/performance.md) on a Release build of their own, so the test
# build is never reconfigured. `make bench` prints the micro-benchmark table, then runs every load
# scenario (3 runs x 10 s: ~10 minutes).
#   make bench BENCH_ARGS=--quick   1 run x 2 s each, 10,000 queues: a smoke test (~2 minutes)
#   make bench-zaqar                the same scenarios against Zaqar 15 too (apt-get installs it)
BENCH_ARGS      ?=
BENCH_BUILD_DIR ?= build-release
MICRO_BENCH     := $(BENCH_BUILD_DIR)/bench/micro/marconi-micro-bench

.PHONY: bench bench-build bench-zaqar

bench-build:
	@$(MAKE) --no-print-directory build BUILD_DIR=$(BENCH_BUILD_DIR) BUILD_TYPE=Release

bench: bench-build
	$(MICRO_BENCH) --benchmark_min_time=0.5
	$(PYTHON) bench/run_scenarios.py --build-dir $(BENCH_BUILD_DIR) $(BENCH_ARGS)

bench-zaqar: bench-build
	$(PYTHON) bench/run_scenarios.py --build-dir $(BENCH_BUILD_DIR) --with-zaqar $(BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR)
