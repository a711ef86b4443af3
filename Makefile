# The two commands of the README: `make demo` and `make test`. Both install
# what is missing (apt), then build.
BUILD ?= build
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: deps build test unit fuzz demo bench clean

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)

# Every tier: unit, integration (real tools), ui (headless scenarios), arch,
# fuzz (30 s + 20 s, in its own clang build: docs/testing.md).
test: build
	@cd $(BUILD) && ctest --output-on-failure -j2

# The quick tier only.
unit: build
	@cd $(BUILD) && ctest --output-on-failure -j2 -L unit

# The fuzz tier, five minutes per target (the catalogue loader, then the
# card's parsers). It builds its own clang tree in $(BUILD)/fuzz, so it
# needs the packages but not the g++ build.
fuzz: deps
	@tests/fuzz/run_fuzz.sh $(BUILD) 300 catalogue
	@tests/fuzz/run_fuzz.sh $(BUILD) 300 card

demo: build
	@scripts/demo.sh $(BUILD)

bench: build
	@tests/bench/kiosk_bench.sh $(BUILD)

clean:
	rm -rf $(BUILD) var
