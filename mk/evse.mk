# mk/evse.mk — the charging-station controller `evse`: its core library (state machine, hardware layer,
# simulator, configuration), the program, its unit tests (cmocka, ASan+UBSan) and its fuzzers.
EVSE_CORE_SRC := $(filter-out src/evse/evse_main.c,$(wildcard src/evse/*.c))
EVSE_LIBS     := -lsqlite3 -lwebsockets -lssl -lcrypto -lsodium -lmodbus -lxlsxwriter -ldl
EVSE_HDR      := $(wildcard src/evse/*.h src/evse/*.def) $(COMMON_HDR) $(OCPP_HDR)
EVSE_CFLAGS   := -Isrc/evse $(shell pkg-config --cflags libmodbus) -DEVSE_WEB_ROOT='"$(abspath web/evse)"'
EVSE_UNIT     := $(patsubst tests/unit/evse/%.c,%,$(wildcard tests/unit/evse/test_*.c))

ALL_TARGETS += $(B)/libevse.a
TEST_SUITES += evse-unit

$(B)/evse-obj/%.o: src/evse/%.c $(EVSE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(EVSE_CFLAGS) $(CFLAGS) -c $< -o $@
$(BS)/evse-obj/%.o: src/evse/%.c $(EVSE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(EVSE_CFLAGS) -O1 -g $(SAN) -c $< -o $@

$(B)/libevse.a: $(patsubst src/evse/%.c,$(B)/evse-obj/%.o,$(EVSE_CORE_SRC))
	ar rcs $@ $^
$(BS)/libevse.a: $(patsubst src/evse/%.c,$(BS)/evse-obj/%.o,$(EVSE_CORE_SRC))
	ar rcs $@ $^

# ---- unit tests: tests/unit/evse/test_*.c, each its own program, under ASan+UBSan ----
$(BS)/tests/evse/%: tests/unit/evse/%.c $(wildcard tests/unit/evse/*.h) $(BS)/libevse.a $(BS)/libocpp.a $(BS)/libwlcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(EVSE_CFLAGS) -Itests/unit -Itests/unit/evse -O1 -g $(SAN) $< \
		$(BS)/libevse.a $(BS)/libocpp.a $(BS)/libwlcommon.a $(LIBS) $(EVSE_LIBS) -lcmocka -o $@

.PHONY: evse-unit
evse-unit: $(addprefix $(BS)/tests/evse/,$(EVSE_UNIT))
	@fail=0; for t in $(EVSE_UNIT); do echo "== $$t"; $(BS)/tests/evse/$$t || fail=1; done; exit $$fail

# ---- the program ----
ALL_TARGETS += $(B)/evse
$(B)/evse: src/evse/evse_main.c $(B)/libevse.a $(B)/libocpp.a $(B)/libwlcommon.a
	$(CC) $(CFLAGS_COMMON) $(EVSE_CFLAGS) $(CFLAGS) $< $(B)/libevse.a $(B)/libocpp.a $(B)/libwlcommon.a \
		$(LIBS) $(EVSE_LIBS) -o $@
$(BS)/evse: src/evse/evse_main.c $(BS)/libevse.a $(BS)/libocpp.a $(BS)/libwlcommon.a
	$(CC) $(CFLAGS_COMMON) $(EVSE_CFLAGS) -O1 -g $(SAN) $< $(BS)/libevse.a $(BS)/libocpp.a $(BS)/libwlcommon.a \
		$(LIBS) $(EVSE_LIBS) -o $@

# ---- the grid meter simulator (Modbus TCP/RTU server) of dynamic power management's tests and demos ----
ALL_TARGETS += $(B)/meter_sim
$(B)/meter_sim: tools/meter_sim.c tools/dpm_profile.c tools/dpm_profile.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(EVSE_CFLAGS) -Itools $(CFLAGS) tools/meter_sim.c tools/dpm_profile.c -lmodbus -lcjson -lm -o $@

# ---- fuzzers of the evse parsers (fuzz/evse/), run a few seconds each ----
EVSE_FUZZERS := $(patsubst fuzz/evse/fuzz_%.c,%,$(wildcard fuzz/evse/fuzz_*.c))
TEST_SUITES += evse-fuzz
# the sources are compiled once for all the fuzzers (fuzzer-no-link), each fuzzer links them
EVSE_FUZZ_OBJS := $(patsubst %.c,$(BF)/obj-evse/%.o,$(EVSE_CORE_SRC) $(COMMON_SRC) $(OCPP_SRC))
.SECONDARY: $(EVSE_FUZZ_OBJS)
$(BF)/obj-evse/%.o: %.c $(EVSE_HDR)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_COMMON) $(EVSE_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
$(BF)/evse/fuzz_%: fuzz/evse/fuzz_%.c $(EVSE_FUZZ_OBJS) $(EVSE_HDR)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_COMMON) $(EVSE_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		$< $(EVSE_FUZZ_OBJS) $(LIBS) $(EVSE_LIBS) -o $@

.PHONY: evse-fuzz
evse-fuzz: $(addprefix $(BF)/evse/fuzz_,$(EVSE_FUZZERS))
	@for f in $(EVSE_FUZZERS); do \
		echo "== fuzz $$f ($(FUZZ_SECONDS)s)"; mkdir -p $(BF)/corpus/$$f; \
		$(BF)/evse/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=2048 -print_final_stats=0 \
			$(BF)/corpus/$$f fuzz/corpus/$$f 2>$(BF)/$$f.log || { tail -40 $(BF)/$$f.log; exit 1; }; \
		grep -E '^(Done|#[0-9]+.*DONE)' $(BF)/$$f.log | tail -1; \
	done

# ---- integration: evse against an ocpp-rpc RPCServer in strict mode, and against the real csms ----
TEST_SUITES += evse-integration
.PHONY: evse-integration
evse-integration: $(BS)/evse $(BS)/csms $(B)/meter_sim
	@fail=0; p=0; f=0; for t in tests/integration/evse_ocpp.js tests/integration/evse_offline.js tests/integration/evse_smart.js tests/integration/evse_fw.js tests/integration/evse_csms.js tests/integration/evse_webapi.js tests/integration/evse_model.js tests/integration/evse_dpm.js tests/integration/evse_group.js tests/integration/evse_group_csms.js tests/integration/evse_group_lb.js tests/integration/evse_group_auth.js tests/integration/evse_group_lms.js tests/integration/evse_unread.js; do \
		echo "== $$t"; EVSE_BIN=$(BS)/evse CSMS_BIN=$(BS)/csms METER_SIM=$(B)/meter_sim node $$t > build/evse-it.log 2>&1 || fail=1; cat build/evse-it.log; \
		line=$$(grep -E '^[0-9]+ passed, [0-9]+ failed$$' build/evse-it.log | tail -1); \
		p=$$((p + $${line%% passed*})); f=$$((f + $$(echo "$$line" | sed 's/.* \([0-9]*\) failed/\1/'))); \
	done; echo "$$p passed, $$f failed"; exit $$fail

# ---- the local web app in a real headless Chromium (Debian chromium + npm playwright-core) ----
TEST_SUITES += evse-e2e
.PHONY: evse-e2e
evse-e2e: $(BS)/evse $(B)/meter_sim
	@fail=0; p=0; f=0; for t in tests/e2e/evse_webapp.test.js tests/e2e/evse_dpm.test.js tests/e2e/evse_group_lms.test.js; do \
		echo "== $$t"; EVSE_BIN=$(BS)/evse METER_SIM=$(B)/meter_sim node $$t > build/evse-e2e.log 2>&1 || fail=1; cat build/evse-e2e.log; \
		line=$$(grep -E '^[0-9]+ passed, [0-9]+ failed$$' build/evse-e2e.log | tail -1); \
		p=$$((p + $${line%% passed*})); f=$$((f + $$(echo "$$line" | sed 's/.* \([0-9]*\) failed/\1/'))); \
	done; echo "$$p passed, $$f failed"; exit $$fail
