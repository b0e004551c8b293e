# mk/bench_group.mk — `make bench-group`: scripted days of a 2-, 8- and 16-point group replayed through the real
# load balancer (src/evse/evse_lb.c, fed by the Master's translation src/evse/evse_group_lb.c) and two reference
# policies (bench/README.md).
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := all
endif

.PHONY: bench-group
ALL_TARGETS += $(B)/bench_group

$(B)/bench_group: bench/bench_group.c $(B)/evse-obj/evse_lb.o $(B)/evse-obj/evse_group_lb.o src/evse/evse_lb.h \
		src/evse/evse_group_lb.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -Isrc/evse -Isrc/ocpp $(CFLAGS) $< $(B)/evse-obj/evse_lb.o $(B)/evse-obj/evse_group_lb.o \
		-lcjson -lm -o $@

bench-group: $(B)/bench_group
	$(B)/bench_group
