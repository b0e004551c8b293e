# mk/evse.mk — the charging-station controller `evse`: its core library (state machine, hardware layer,
# simulator, configuration), the program, its unit tests (cmocka, ASan+UBSan) and its fuzzers.
EVSE_CORE_SRC := $(filter-out src/evse/evse_main.c,$(wildcard src/evse/*.c))
EVSE_LIBS     := -lsqlite3 -lwebsockets -lssl -lcrypto
EVSE_HDR      := $(wildcard src/evse/*.h src/evse/*.def) $(COMMON_HDR) $(OCPP_HDR)
EVSE_CFLAGS   := -Isrc/evse
EVSE_UNIT     := $(patsubst tests/unit/evse/%.c,%,$(wildcard tests/unit/evse/test_*.c))

ALL_TARGETS += $(B)/libevse.a
TEST_SUITES += evse-unit

$(B)/evse/%.o: src/evse/%.c $(EVSE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(EVSE_CFLAGS) $(CFLAGS) -c $< -o $@
$(BS)/evse/%.o: src/evse/%.c $(EVSE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(EVSE_CFLAGS) -O1 -g $(SAN) -c $< -o $@

$(B)/libevse.a: $(patsubst src/evse/%.c,$(B)/evse/%.o,$(EVSE_CORE_SRC))
	ar rcs $@ $^
$(BS)/libevse.a: $(patsubst src/evse/%.c,$(BS)/evse/%.o,$(EVSE_CORE_SRC))
	ar rcs $@ $^

# ---- unit tests: tests/unit/evse/test_*.c, each its own program, under ASan+UBSan ----
$(BS)/tests/evse/%: tests/unit/evse/%.c $(wildcard tests/unit/evse/*.h) $(BS)/libevse.a $(BS)/libocpp.a $(BS)/libwlcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(EVSE_CFLAGS) -Itests/unit -Itests/unit/evse -O1 -g $(SAN) $< \
		$(BS)/libevse.a $(BS)/libocpp.a $(BS)/libwlcommon.a $(LIBS) $(EVSE_LIBS) -lcmocka -o $@

.PHONY: evse-unit
evse-unit: $(addprefix $(BS)/tests/evse/,$(EVSE_UNIT))
	@fail=0; for t in $(EVSE_UNIT); do echo "== $$t"; $(BS)/tests/evse/$$t || fail=1; done; exit $$fail
