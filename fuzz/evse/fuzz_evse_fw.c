/* fuzz_evse_fw.c — the firmware parsers on arbitrary bytes: the .md5 sidecar, the md5= query parameter of
 * a location, the image header and the version taken from a location. What they accept must be what they
 * promise: 32 lower-case hex digits, bounded printable names. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evse_fw.h"

static void check_hex(const char *md5)
{
	if (strlen(md5) != 32)
		__builtin_trap();
	for (int i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)md5[i]) || isupper((unsigned char)md5[i]))
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char md5[33], model[32], version[EVSE_FW_VERSION_MAX], url[1024];
	if (evse_fw_parse_md5((const char *)data, size, md5) == 0)
		check_hex(md5);
	if (evse_fw_parse_header((const char *)data, size, model, sizeof(model), version, sizeof(version)) == 1) {
		if (!model[0] || !version[0] || strchr(model, ' ') || strchr(version, '\n'))
			__builtin_trap();
	}
	size_t n = size < sizeof(url) - 1 ? size : sizeof(url) - 1;
	memcpy(url, data, n);
	url[n] = '\0';
	if (evse_fw_md5_from_url(url, md5) == 1)
		check_hex(md5);
	evse_fw_version_from_url(url, version, sizeof(version));
	if (!version[0] || strlen(version) >= sizeof(version))
		__builtin_trap();
	for (const char *c = version; *c; c++)
		if ((unsigned char)*c < 0x21 || (unsigned char)*c > 0x7e)
			__builtin_trap();
	return 0;
}
