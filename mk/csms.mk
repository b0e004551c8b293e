# mk/csms.mk — the central system: build/release/csms and its sanitizer build for the tests.
CSMS_SRC := $(wildcard src/csms/*.c src/csms/*/*.c)
CSMS_HDR := $(wildcard src/csms/*.h src/csms/*/*.h src/csms/*/*.def)
CSMS_ROOMS := api station store
CSMS_CFLAGS := -Isrc/csms $(addprefix -Isrc/csms/,$(CSMS_ROOMS)) -DCSMS_WEB_ROOT='"$(abspath web/csms)"' $(shell pkg-config --cflags libwebsockets 2>/dev/null)
CSMS_LIBS := -lwebsockets -lev -lsqlite3 -lsodium -linih -lcurl -lcrypto -lxlsxwriter

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

# ---- tests: unit (cmocka, ASan+UBSan), integration (real csms + ocpp-rpc peers), fuzzers ----
CSMS_LIB_OBJS_S := $(patsubst src/csms/%.c,$(BS)/csms.o/%.o,$(filter-out src/csms/main.c,$(CSMS_SRC)))
CSMS_UNIT_TESTS := $(patsubst tests/unit/csms/%.c,%,$(wildcard tests/unit/csms/test_*.c tests/unit/csms/*/test_*.c))
CSMS_FUZZERS    := $(patsubst fuzz/csms/fuzz_%.c,%,$(wildcard fuzz/csms/fuzz_*.c))

TEST_SUITES += csms-unit csms-integration csms-fuzz
.PHONY: csms-unit csms-integration csms-fuzz

$(BS)/tests/csms/%: tests/unit/csms/%.c tests/unit/test_util.h $(CSMS_LIB_OBJS_S) $(BS)/libocpp.a $(BS)/libwlcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CSMS_CFLAGS) -Itests/unit -O1 -g $(SAN) $< $(CSMS_LIB_OBJS_S) $(BS)/libocpp.a \
		$(BS)/libwlcommon.a $(CSMS_LIBS) $(LIBS) -lcmocka -o $@

csms-unit: $(addprefix $(BS)/tests/csms/,$(CSMS_UNIT_TESTS))
	@fail=0; for t in $(CSMS_UNIT_TESTS); do echo "== csms/$$t"; $(BS)/tests/csms/$$t || fail=1; done; exit $$fail

# ---- docs/api.md: its route and error tables written from the csms's own tables (tools/csms_apidoc.c) ----
# The tool links the csms objects (ASan build, as the unit tests), so the document comes from the arrays the
# server routes with. check-generated (Makefile) compares docs/api.md with what it writes.
$(BS)/csms-apidoc: tools/csms_apidoc.c $(CSMS_LIB_OBJS_S) $(BS)/libocpp.a $(BS)/libwlcommon.a
	$(CC) $(CFLAGS_COMMON) $(CSMS_CFLAGS) -O1 -g $(SAN) $< $(CSMS_LIB_OBJS_S) $(BS)/libocpp.a $(BS)/libwlcommon.a \
		$(CSMS_LIBS) $(LIBS) -o $@
.PHONY: regen-docs check-api-doc
regen-docs: $(BS)/csms-apidoc
	@mkdir -p build/gen
	$(BS)/csms-apidoc docs/api.md build/gen/api.md && cp build/gen/api.md docs/api.md
	@echo "docs/api.md: route and error tables written from the code"
check-api-doc: $(BS)/csms-apidoc
	@node tests/docs/api_doc.test.js $(BS)/csms-apidoc docs/api.md

csms-integration: $(BS)/csms
	node tests/integration/csms/run.js $(BS)/csms

# the sources are compiled once for all the fuzzers (fuzzer-no-link), each fuzzer links them
CSMS_FUZZ_OBJS := $(patsubst %.c,$(BF)/obj-csms/%.o,$(filter-out src/csms/main.c,$(CSMS_SRC)) $(OCPP_SRC) $(COMMON_SRC))
.SECONDARY: $(CSMS_FUZZ_OBJS)
$(BF)/obj-csms/%.o: %.c $(CSMS_HDR) $(OCPP_HDR) $(COMMON_HDR)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_COMMON) $(CSMS_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
$(BF)/csms/fuzz_%: fuzz/csms/fuzz_%.c $(CSMS_FUZZ_OBJS) $(CSMS_HDR) $(OCPP_HDR) $(COMMON_HDR)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_COMMON) $(CSMS_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		$< $(CSMS_FUZZ_OBJS) $(CSMS_LIBS) $(LIBS) -o $@

csms-fuzz: $(addprefix $(BF)/csms/fuzz_,$(CSMS_FUZZERS))
	@for f in $(CSMS_FUZZERS); do \
		echo "== fuzz csms/$$f ($(FUZZ_SECONDS)s)"; mkdir -p $(BF)/corpus/csms-$$f; \
		$(BF)/csms/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=0 \
			$(BF)/corpus/csms-$$f fuzz/csms/corpus/$$f 2>$(BF)/csms-$$f.log || { tail -40 $(BF)/csms-$$f.log; exit 1; }; \
		grep -E '^(Done|#[0-9]+.*DONE)' $(BF)/csms-$$f.log | tail -1; \
	done

# ---- the browser UI (web/csms): its libraries copied from node_modules into web/csms/vendor ----
# The copies are committed so that `make run` serves the UI from a fresh clone without Node;
# `make web-vendor` refreshes them after a version bump in package.json, `web-vendor-check` finds stale ones.
WEB_VENDOR := web/csms/vendor
WEB_VENDOR_FILES := preact.module.js:preact/dist/preact.module.js hooks.module.js:preact/hooks/dist/hooks.module.js \
	htm.module.js:htm/dist/htm.module.js uPlot.esm.js:uplot/dist/uPlot.esm.js uPlot.min.css:uplot/dist/uPlot.min.css
.PHONY: web-vendor web-vendor-check
web-vendor:
	@mkdir -p $(WEB_VENDOR)
	@for f in $(WEB_VENDOR_FILES); do cp node_modules/$${f#*:} $(WEB_VENDOR)/$${f%%:*}; done
	@sed -i 's#from"preact"#from"./preact.module.js"#g' $(WEB_VENDOR)/hooks.module.js
	@echo "web-vendor: $(WEB_VENDOR) from node_modules"
web-vendor-check:
	@rm -rf build/web-vendor-check && $(MAKE) --no-print-directory WEB_VENDOR=build/web-vendor-check web-vendor >/dev/null
	@diff -r build/web-vendor-check $(WEB_VENDOR) || { echo "web/csms/vendor is stale: run make web-vendor"; exit 1; }

# ---- the browser UI in a real headless Chromium (Debian chromium + npm playwright-core), and its catalogs ----
TEST_SUITES += csms-e2e
.PHONY: csms-e2e
csms-e2e: $(BS)/csms web-vendor-check
	@echo "== tests/e2e/csms_i18n.test.js"; node tests/e2e/csms_i18n.test.js
	@echo "== tests/e2e/csms_ui.test.js"; CSMS_BIN=$(BS)/csms node tests/e2e/csms_ui.test.js
	@echo "== tests/e2e/csms_admin.test.js"; CSMS_BIN=$(BS)/csms node tests/e2e/csms_admin.test.js
