# mk/bench.mk — the central-system benchmark: the C load generator, the bare libwebsockets echo server
# (the ceiling), and `make bench-csms`, which runs them against echo, a Node ocpp-rpc central system and csms.

# This file is included before the Makefile's first rule: keep `all` the default goal.
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := all
endif

BENCH_CFLAGS := -D_GNU_SOURCE
LWS_CFLAGS   := $(shell pkg-config --cflags libwebsockets 2>/dev/null)
LWS_LIBS     := $(or $(shell pkg-config --libs libwebsockets 2>/dev/null),-lwebsockets)

ALL_TARGETS += $(B)/loadgen $(B)/echo_server

.PHONY: bench-csms

$(B)/loadgen: bench/loadgen.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(BENCH_CFLAGS) $(CFLAGS) $< -lcjson -lm -o $@

$(B)/echo_server: bench/echo_server.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(BENCH_CFLAGS) $(LWS_CFLAGS) $(CFLAGS) $< $(LWS_LIBS) -o $@

# csms is built too when its makefile exists and SERVERS (default: all three) names it.
BENCH_CSMS := $(if $(and $(wildcard mk/csms.mk),$(filter csms,$(or $(SERVERS),csms))),$(B)/csms)

bench-csms: deps $(B)/loadgen $(B)/echo_server $(BENCH_CSMS)
	bench/run-csms-bench.sh

# ---- the REST API benchmark (issue targets: home/diagnostics, a month's search, a 100,000-row Excel export) ----
.PHONY: bench-api
CSMS_LIB_OBJS_R = $(patsubst src/csms/%.c,$(B)/csms.o/%.o,$(filter-out src/csms/main.c,$(wildcard src/csms/*.c src/csms/*/*.c)))

$(B)/gen_api_data: bench/gen_api_data.c $(CSMS_LIB_OBJS_R) $(B)/libocpp.a $(B)/libwlcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CSMS_CFLAGS) $(CFLAGS) $< $(CSMS_LIB_OBJS_R) $(B)/libocpp.a $(B)/libwlcommon.a \
		$(CSMS_LIBS) $(LIBS) -o $@

bench-api: $(B)/csms $(B)/gen_api_data
	bench/run-api-bench.sh

# ---- dynamic power management replayed on recorded PV days (bench/README.md "Dynamic power management") ----
.PHONY: bench-dpm
DPM_DAYS ?= ../shared/data/pv-days
$(B)/bench_dpm: bench/bench_dpm.c tools/dpm_profile.c tools/dpm_profile.h src/evse/evse_dpm.c src/evse/evse_dpm.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -Isrc/evse -Itools $(CFLAGS) bench/bench_dpm.c tools/dpm_profile.c src/evse/evse_dpm.c \
		-lm -o $@

bench-dpm: $(B)/bench_dpm
	$(B)/bench_dpm $(DPM_DAYS)
