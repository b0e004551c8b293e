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
