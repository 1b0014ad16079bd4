# Marconi: a thin wrapper over scripts/setup.sh, CMake, ctest and pytest.
#   make run    set up, build, start the server on 127.0.0.1:8888 (SQLite under ./marconi-data)
#   make layers check every #include against the layer order in docs/architecture.md
#   make format check every C++ file against .clang-format (FIX=1 rewrites them)
#   make test   set up, build, check the layers and the format, run the unit and conformance
#               tests (ctest) and the e2e suite (pytest) on SQLite, Redis, Redis Cluster and
#               PostgreSQL,
#               then the same under ASan+UBSan (make asan), then each fuzz target briefly
#               (make fuzz)
#   make asan   clang ASan+UBSan build in $(ASAN_BUILD_DIR): ctest and e2e with leak checks
#   make fuzz   libFuzzer build in $(FUZZ_BUILD_DIR): each target for FUZZ_SECONDS (fuzz/README.md)
#   make fuzz-long  the same for 600 s per target
#   make reliability  crash safety under SIGKILL, a full disk (needs root: mounts a tmpfs) and a
#               30 s soak (tests/reliability); part of make test
#   make soak   the soak alone for SOAK_SECONDS (default 600): RSS and open fds must stay flat
BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
PYTHON     ?= /usr/bin/python3
MARCONI    := $(BUILD_DIR)/src/app/marconi
ARGS       ?=
ASAN_BUILD_DIR ?= build-asan
ASAN_BUILD_TYPE ?= Debug
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS   ?= 30
FUZZ_TARGETS   := http_request bodies
# JUnit XML of every ctest and pytest run of `make test`; its last lines name what failed
# (scripts/test_failures.py), since a CI log keeps only its tail.
REPORT_DIR ?= $(abspath test-reports)
# Warnings are errors in CI (.ci/run sets CI=true), for the gcc and the clang builds alike;
# `make WERROR=ON` does the same locally. CMakePresets.json holds the same configurations.
WERROR ?= $(if $(CI),ON,OFF)
# Sanitizer runtime options for every sanitized run (STYLE.md section 10); LSan reads
# fuzz/lsan.supp, where each suppression says why it is there.
SANITIZER_ENV := ASAN_OPTIONS=detect_leaks=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                 LSAN_OPTIONS=suppressions=$(abspath fuzz/lsan.supp):print_suppressions=0

.PHONY: setup configure build run test layers format unit e2e clean asan asan-build fuzz fuzz-build fuzz-long

setup:
	bash scripts/setup.sh

configure: setup
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMARCONI_WERROR=$(WERROR)

build: configure
	cmake --build $(BUILD_DIR)

run: build
	./$(MARCONI) serve $(ARGS)

# Runs every suite even if an earlier one fails, and fails if any failed, naming the suites and
# the test cases that failed last.
test: build
	@rm -rf $(REPORT_DIR); failed=; \
	for suite in layers format unit e2e reliability asan fuzz; do \
	    $(MAKE) --no-print-directory $$suite || failed="$$failed $$suite"; \
	done; \
	if [ -n "$$failed" ]; then \
	    echo "== make test failed in:$$failed"; $(PYTHON) scripts/test_failures.py $(REPORT_DIR); exit 1; \
	fi

# Every tracked C++ file against .clang-format: `make format` lists the files that differ,
# `make format FIX=1` rewrites them.
CLANG_FORMAT ?= clang-format-14
FORMAT_FILES  = $(shell git ls-files '*.cpp' '*.hpp' '*.h')
format:
	@$(CLANG_FORMAT) $(if $(FIX),-i,--dry-run --Werror) $(FORMAT_FILES) && \
	    echo "format: $(words $(FORMAT_FILES)) files follow .clang-format"

# The include graph against docs/architecture.md's layer table (scripts/check_layers.py).
layers:
	$(PYTHON) scripts/check_layers.py

unit:
	@mkdir -p $(REPORT_DIR)
	ctest --test-dir $(BUILD_DIR) --output-on-failure --no-tests=error -j2 \
	    --output-junit $(REPORT_DIR)/unit-$(notdir $(BUILD_DIR)).xml

# The whole e2e suite once per store:heads; each Redis or PostgreSQL run starts (and stops) its
# own servers. redis-cluster:2 is two servers on one Redis Cluster, requests alternating between
# them; postgres:2 the same on one PostgreSQL.
E2E_RUNS ?= sqlite:1 redis:1 redis-cluster:2 postgres:1 postgres:2
# Under the sanitizers, one run per engine: standalone Redis runs the same scripts as Cluster,
# and one PostgreSQL head runs the same code as two.
ASAN_E2E_RUNS ?= sqlite:1 redis-cluster:2 postgres:2
E2E_ARGS ?=
e2e:
	@rc=0; for run in $(E2E_RUNS); do \
	    storage=$${run%:*}; heads=$${run#*:}; \
	    echo "== e2e on $$storage, $$heads head(s)"; \
	    MARCONI_E2E_STORAGE=$$storage MARCONI_E2E_HEADS=$$heads MARCONI_BIN=$(abspath $(MARCONI)) \
	        $(PYTHON) -m pytest tests/e2e -q $(E2E_ARGS) \
	        --junitxml=$(REPORT_DIR)/e2e-$(notdir $(BUILD_DIR))-$$storage-$$heads.xml || rc=1; \
	done; exit $$rc

# Crash safety (SIGKILL loop, sync=full and sync=normal) and a short soak; -s shows their counts.
RELIABILITY_SOAK_SECONDS ?= 30
SOAK_SECONDS ?= 600
.PHONY: reliability soak
reliability:
	MARCONI_BIN=$(abspath $(MARCONI)) MARCONI_SOAK_SECONDS=$(RELIABILITY_SOAK_SECONDS) \
	    $(PYTHON) -m pytest tests/reliability -q -s --junitxml=$(REPORT_DIR)/reliability.xml

# The soak alone, for SOAK_SECONDS (RSS and open fds must stay flat).
soak:
	MARCONI_BIN=$(abspath $(MARCONI)) MARCONI_SOAK_SECONDS=$(SOAK_SECONDS) \
	    $(PYTHON) -m pytest tests/reliability/test_soak.py -q -s

# ASan+UBSan with clang (a build dir configured earlier keeps its compiler).
asan-build: setup
	CC=clang CXX=clang++ cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja \
	    -DCMAKE_BUILD_TYPE=$(ASAN_BUILD_TYPE) -DMARCONI_SANITIZE=ON -DMARCONI_BUILD_MICRO_BENCH=OFF \
	    -DMARCONI_WERROR=$(WERROR)
	cmake --build $(ASAN_BUILD_DIR)

# The e2e pass leaves out Zaqar's tempest suite: it drives the same handlers the e2e tests do,
# and its 140 s dead-letter wait would only take longer under the sanitizers.
asan: asan-build
	@echo "== ASan+UBSan: ctest and e2e ($(ASAN_BUILD_DIR))"
	@rc=0; \
	$(SANITIZER_ENV) $(MAKE) --no-print-directory unit BUILD_DIR=$(ASAN_BUILD_DIR) || rc=1; \
	$(SANITIZER_ENV) $(MAKE) --no-print-directory e2e BUILD_DIR=$(ASAN_BUILD_DIR) \
	    E2E_RUNS="$(ASAN_E2E_RUNS)" E2E_ARGS=--ignore=tests/e2e/test_tempest.py || rc=1; \
	exit $$rc

# libFuzzer targets (clang only); the libraries carry coverage and ASan+UBSan, no tests.
fuzz-build: setup
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DMARCONI_FUZZ=ON -DMARCONI_BUILD_TESTS=OFF -DMARCONI_BUILD_MICRO_BENCH=OFF \
	    -DMARCONI_WERROR=$(WERROR)
	cmake --build $(FUZZ_BUILD_DIR) --target $(addprefix fuzz_,$(FUZZ_TARGETS))

# Each target for FUZZ_SECONDS; prints "fuzz: <target> N runs, K crashes" per target.
fuzz: fuzz-build
	@rc=0; \
	for target in $(FUZZ_TARGETS); do \
	    bash fuzz/run.sh $(FUZZ_BUILD_DIR) $$target $(FUZZ_SECONDS) || rc=1; \
	done; \
	exit $$rc

fuzz-long:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=600

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
