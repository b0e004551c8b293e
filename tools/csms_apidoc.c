/* csms_apidoc.c — writes the generated parts of docs/api.md from the csms's own tables: each route table
 * (csms_route_tables: method, path, roles, summary) and the error table (csms_errors.def). Built with the
 * csms objects, so the document is made from the arrays the server routes with, not from a copy.
 *
 *   csms-apidoc IN OUT
 *
 * IN is the document; every block between a line "<!-- generated: routes TAG -->" (or "<!-- generated:
 * errors -->") and the next "<!-- end generated -->" is replaced, everything else is copied. Exits 1 when a
 * marker names an unknown table, a route table has no marker, or a marker is not closed (so a new table
 * cannot be left out of the document). make regen-docs writes docs/api.md with it; make check-generated
 * fails when docs/api.md differs from what it writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_api.h"
#include "csms_errors.h"

#define BEGIN "<!-- generated: "
#define END   "<!-- end generated -->"

/* "A, LM, MT" for the role bits, "all", or "public" */
static const char *roles_text(unsigned roles, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *abbr;
	} names[] = {{CSMS_ROLE_ADMIN, "A"}, {CSMS_ROLE_MANAGER, "LM"}, {CSMS_ROLE_TECH, "MT"}};
	size_t n = 0;
	if (roles & CSMS_PUBLIC)
		return "public";
	if ((roles & CSMS_ROLES_ALL) == CSMS_ROLES_ALL)
		return "all";
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (roles & names[i].bit)
			n += (size_t)snprintf(buf + n, len > n ? len - n : 0, "%s%s", n ? ", " : "", names[i].abbr);
	return n ? buf : "none (refused)";
}

/* text for a Markdown table cell: '|' escaped */
static void put_cell(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* Every route of the tables tagged tag (two modules may share one: stations), as one Markdown table, in the
 * order the router tries them. Marks those tables used; false when no table has the tag. */
static bool put_routes(FILE *out, const char *tag, bool *used)
{
	char roles[32];
	bool found = false;
	for (size_t t = 0; t < csms_route_tables_n; t++) {
		const struct csms_route_table *tab = csms_route_tables[t];
		if (strcmp(tab->tag, tag) != 0)
			continue;
		if (!found)
			fprintf(out, "| route | roles | |\n| --- | --- | --- |\n");
		found = used[t] = true;
		for (size_t i = 0; i < tab->n; i++) {
			const struct csms_route *rt = &tab->routes[i];
			fprintf(out, "| `%s /%s` | %s | ", csms_http_method_name(rt->method), rt->pattern,
			        roles_text(rt->roles, roles, sizeof(roles)));
			put_cell(out, rt->summary);
			if (rt->flags & CSMS_ROUTE_UPLOAD)
				fprintf(out, " (the body is the file, streamed)");
			if ((rt->flags & CSMS_ROUTE_NO_CSRF) && rt->method != CSMS_HTTP_GET)
				fprintf(out, " (no CSRF token needed)");
			fprintf(out, " |\n");
		}
	}
	return found;
}

static void put_errors(FILE *out)
{
	fprintf(out, "| status | code | meaning |\n| --- | --- | --- |\n");
	for (int e = CSMS_ERR_NONE + 1; e < CSMS_ERR_COUNT; e++) {
		fprintf(out, "| %d | `%s` | ", csms_errors[e].status, csms_errors[e].code);
		put_cell(out, csms_errors[e].meaning);
		fprintf(out, " |\n");
	}
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n)
		buf[n] = '\0';
	else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	int rc = 1;
	char *doc = NULL;
	FILE *out = NULL;
	bool used[64] = {false};
	unsigned lineno = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s IN OUT (e.g. docs/api.md build/gen/api.md)\n", argv[0]);
		return 2;
	}
	if (csms_route_tables_n > sizeof(used) / sizeof(used[0]))
		return 2;
	if (!(doc = read_all(argv[1]))) {
		fprintf(stderr, "csms-apidoc: cannot read %s\n", argv[1]);
		goto out;
	}
	if (!(out = fopen(argv[2], "w"))) {
		fprintf(stderr, "csms-apidoc: cannot write %s\n", argv[2]);
		goto out;
	}
	bool skipping = false;
	unsigned opened = 0;
	for (char *p = doc; *p; lineno++) {
		char *nl = strchr(p, '\n');
		char *line = p;
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : p + strlen(p);
		if (skipping) {
			if (strcmp(line, END) == 0) {
				fprintf(out, "%s\n", line);
				skipping = false;
			}
			continue;
		}
		fprintf(out, "%s\n", line);
		if (strncmp(line, BEGIN, strlen(BEGIN)) != 0)
			continue;
		char what[64];
		const char *spec = line + strlen(BEGIN);
		if (sscanf(spec, "routes %63s -->", what) == 1) {
			if (!put_routes(out, what, used)) {
				fprintf(stderr, "%s:%u: no route table \"%s\"\n", argv[1], lineno + 1, what);
				goto out;
			}
		} else if (strcmp(spec, "errors -->") == 0) {
			put_errors(out);
		} else {
			fprintf(stderr, "%s:%u: unknown generated block: %s\n", argv[1], lineno + 1, line);
			goto out;
		}
		skipping = true;
		opened = lineno + 1;
	}
	if (skipping) {
		fprintf(stderr, "%s:%u: generated block not closed with %s\n", argv[1], opened, END);
		goto out;
	}
	for (size_t t = 0; t < csms_route_tables_n; t++)
		if (!used[t]) {
			fprintf(stderr, "%s: the route table \"%s\" has no block: add %sroutes %s -->\n", argv[1],
			        csms_route_tables[t]->tag, BEGIN, csms_route_tables[t]->tag);
			goto out;
		}
	rc = 0;
out:
	if (out && fclose(out) != 0)
		rc = 1;
	free(doc);
	return rc;
}
