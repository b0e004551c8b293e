# mk/csms.mk — the central system: build/release/csms and its sanitizer build for the tests.
CSMS_SRC := $(wildcard src/csms/*.c)
CSMS_HDR := $(wildcard src/csms/*.h)
CSMS_CFLAGS := -Isrc/csms $(shell pkg-config --cflags libwebsockets 2>/dev/null)
CSMS_LIBS := -lwebsockets -lev -lsqlite3 -lsodium -linih -lcurl -lcrypto

ALL_TARGETS += $(B)/csms

$(B)/csms.o/%.o: src/csms/%.c $(CSMS_HDR) $(OCPP_HDR) $(COMMON_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CSMS_CFLAGS) $(CFLAGS) -c $< -o $@
$(BS)/csms.o/%.o: src/csms/%.c $(CSMS_HDR) $(OCPP_HDR) $(COMMON_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CSMS_CFLAGS) -O1 -g $(SAN) -c $< -o $@

$(B)/csms: $(patsubst src/csms/%.c,$(B)/csms.o/%.o,$(CSMS_SRC)) $(B)/libocpp.a $(B)/libwlcommon.a
	$(CC) $^ $(CSMS_LIBS) $(LIBS) -o $@
$(BS)/csms: $(patsubst src/csms/%.c,$(BS)/csms.o/%.o,$(CSMS_SRC)) $(BS)/libocpp.a $(BS)/libwlcommon.a
	$(CC) $(SAN) $^ $(CSMS_LIBS) $(LIBS) -o $@
