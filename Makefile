# Wattline — top-level build. `make run` starts the main program, `make test` installs, builds and tests all.
CC      ?= cc
CLANG   ?= clang
CFLAGS_COMMON := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
                 -Isrc/ocpp -Isrc/common
CFLAGS  ?= -O2 -g
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LIBS    := -lcjson -lm -lpthread

OCPP_SRC := $(wildcard src/ocpp/*.c)
OCPP_HDR := $(wildcard src/ocpp/*.h src/ocpp/*.def)
COMMON_SRC := $(wildcard src/common/*.c)
COMMON_HDR := $(wildcard src/common/*.h)

B  := build/release
BS := build/asan
BF := build/fuzz

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
FUZZERS    := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 3
FUZZ_CFLAGS := -O1 -g -fno-sanitize-recover=all

# What `make all` builds and the suites `make test` runs; each program's mk/<program>.mk adds its own.
ALL_TARGETS := $(B)/libocpp.a $(B)/ocpp-tool $(B)/bench_ocpp
TEST_SUITES := check-generated unit schema-check fuzz

.PHONY: all run demo test deps build unit schema-check fuzz bench regen clean format check-generated

include $(sort $(wildcard mk/*.mk))

all: $(ALL_TARGETS)

# ---- the library, release and sanitizer builds ----
$(B)/ocpp/%.o: src/ocpp/%.c $(OCPP_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -c $< -o $@
$(BS)/ocpp/%.o: src/ocpp/%.c $(OCPP_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O1 -g $(SAN) -c $< -o $@

$(B)/libocpp.a: $(patsubst src/ocpp/%.c,$(B)/ocpp/%.o,$(OCPP_SRC))
	ar rcs $@ $^
$(BS)/libocpp.a: $(patsubst src/ocpp/%.c,$(BS)/ocpp/%.o,$(OCPP_SRC))
	ar rcs $@ $^

# ---- src/common: log and clock, shared by both programs ----
$(B)/common/%.o: src/common/%.c $(COMMON_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -c $< -o $@
$(BS)/common/%.o: src/common/%.c $(COMMON_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O1 -g $(SAN) -c $< -o $@
$(B)/libwlcommon.a: $(patsubst src/common/%.c,$(B)/common/%.o,$(COMMON_SRC))
	ar rcs $@ $^
$(BS)/libwlcommon.a: $(patsubst src/common/%.c,$(BS)/common/%.o,$(COMMON_SRC))
	ar rcs $@ $^

# ocpp-tool: decode/validate/encode JSON lines from stdin (used by the schema cross-check)
$(B)/ocpp-tool: tools/ocpp_tool.c $(B)/libocpp.a
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) $< $(B)/libocpp.a $(LIBS) -o $@
$(BS)/ocpp-tool: tools/ocpp_tool.c $(BS)/libocpp.a
	$(CC) $(CFLAGS_COMMON) -O1 -g $(SAN) $< $(BS)/libocpp.a $(LIBS) -o $@

# ---- unit tests (cmocka, ASan+UBSan) ----
$(BS)/tests/%: tests/unit/%.c tests/unit/test_util.h $(BS)/libocpp.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -Itests/unit -O1 -g $(SAN) $< $(BS)/libocpp.a $(LIBS) -lcmocka -o $@

unit: $(addprefix $(BS)/tests/,$(UNIT_TESTS))
	@fail=0; for t in $(UNIT_TESTS); do echo "== $$t"; $(BS)/tests/$$t || fail=1; done; exit $$fail

# ---- independent check against the official schemas (npm ocpp-rpc, strict mode) ----
schema-check: $(BS)/ocpp-tool
	node tests/schema/cross_check.js $(BS)/ocpp-tool

# ---- libFuzzer targets under ASan+UBSan ----
$(BF)/fuzz_%: fuzz/fuzz_%.c $(OCPP_SRC) $(OCPP_HDR)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_COMMON) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$< $(OCPP_SRC) $(LIBS) -o $@

fuzz: $(addprefix $(BF)/fuzz_,$(FUZZERS))
	@for f in $(FUZZERS); do \
		echo "== fuzz $$f ($(FUZZ_SECONDS)s)"; mkdir -p $(BF)/corpus/$$f; \
		$(BF)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=0 \
			$(BF)/corpus/$$f fuzz/corpus/$$f 2>$(BF)/$$f.log || { tail -40 $(BF)/$$f.log; exit 1; }; \
		grep -E '^(Done|#[0-9]+.*DONE)' $(BF)/$$f.log | tail -1; \
	done

# ---- benchmark ----
$(B)/bench_ocpp: bench/bench_ocpp.c $(B)/libocpp.a
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) $< $(B)/libocpp.a $(LIBS) -o $@
bench: $(B)/bench_ocpp
	$(B)/bench_ocpp

# ---- the README's two commands ----
deps:
	@scripts/install-deps.sh

# The central system on its embedded database in ./data; CSMS_ARGS adds options (see csms --help).
CSMS_ARGS ?=
run: deps all
	@echo "Starting csms: stations connect to ws://<this host>:8080/ocpp/<station id>, browsers to http://localhost:8080/"
	@echo "Register a station:  build/release/csms api POST /api/v1/stations '{\"id\":\"CP-1\"}'"
	$(B)/csms --data data $(CSMS_ARGS)

# The csms with a few simulated stations that charge on their own (scripts/demo.sh); Ctrl-C stops all.
demo: all
	@scripts/demo.sh

test: deps
	@scripts/run-tests.sh $(TEST_SUITES)

# ---- maintenance ----
regen:
	node tools/gen_types.js
check-generated:
	@mkdir -p build/gen
	@node tools/gen_types.js node_modules/ocpp-rpc/lib/schemas/ocpp1_6.json build/gen >/dev/null
	@cmp -s build/gen/ocpp_types.h src/ocpp/ocpp_types.h && cmp -s build/gen/ocpp_types.c src/ocpp/ocpp_types.c || \
		{ echo "src/ocpp/ocpp_types.* are out of date: run make regen"; exit 1; }
	@echo "generated types are up to date"
	@node scripts/imports.js src/csms --check || { echo "src/csms: imports must run api -> station -> store, without circles"; exit 1; }
	@node scripts/imports.js src/evse --check || { echo "src/evse: imports must run one way, without circles"; exit 1; }
	@$(MAKE) --no-print-directory check-api-doc

format:
	clang-format -i $(wildcard src/*/*.c src/*/*.h src/*/*/*.c src/*/*/*.h tests/unit/*.c tests/unit/*.h tests/unit/*/*.c tests/unit/*/*.h \
		fuzz/*.c fuzz/*/*.c tests/unit/*/*/*.c tests/unit/*/*/*.h bench/*.c tools/*.c)

clean:
	rm -rf build
