# Marconi: a thin wrapper over scripts/setup.sh, CMake, ctest and pytest.
#   make run    set up, build, start the server on 127.0.0.1:8888 (SQLite under ./marconi-data)
#   make test   set up, build, run the unit and conformance tests (ctest) and the e2e suite (pytest)
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

# Runs both suites even if the first fails, and fails if either failed.
test: build
	@rc=0; \
	$(MAKE) --no-print-directory unit || rc=1; \
	$(MAKE) --no-print-directory e2e || rc=1; \
	exit $$rc

unit:
	ctest --test-dir $(BUILD_DIR) --output-on-failure --no-tests=error -j2

e2e:
	MARCONI_BIN=$(abspath $(MARCONI)) $(PYTHON) -m pytest tests/e2e -q

clean:
	rm -rf $(BUILD_DIR)
