# The two commands a newcomer needs: `make run` and `make test` (see README.md).
# Both install missing Debian packages first (scripts/install-deps.sh): `make run`
# only what building and running need, `make test` also the test tools (PostgreSQL,
# an SMTP sink, Chromium, Node).

BUILD ?= build/release
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
JOBS ?= $(shell nproc)
# Paths relative to the checkout, and the build directory left out of the hash (it
# is in -g builds by default), so ccache hits across clones (CI builds a fresh one).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: deps deps-test build run test unit e2e bench fuzz format clean install package

deps:
	@bash scripts/install-deps.sh build

deps-test:
	@bash scripts/install-deps.sh test

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/gatehouse serve

unit: deps-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

e2e: deps-test build
	bash tests/e2e/run.sh $(BUILD)/gatehouse

test: unit e2e

# `make install PREFIX=/opt/gatehouse` (default /usr/local): the binary, the systemd
# unit and the docs. `make package`: a Debian package in build/package/ (CPack).
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

package: build
	cd $(BUILD) && cpack -G DEB -B $(CURDIR)/build/package

bench: build
	bash bench/run.sh $(BUILD)

fuzz:
	@bash scripts/install-deps.sh fuzz
	cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DGATEHOUSE_FUZZ=ON
	cmake --build build/fuzz -j $(JOBS)
	bash tests/fuzz/run.sh build/fuzz

format:
	find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf build
