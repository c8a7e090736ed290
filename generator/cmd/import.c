/* cmd_import: `nfsite import mediawiki|bugzilla …`: parses the importer's options, runs
 * its driver and turns the result into an exit status. */
#include "cmd/cmd.h"
#include "import/bugzilla/import.h"
#include "import/mediawiki/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mediawiki_usage(void)
{
	fputs("usage: nfsite import mediawiki (--db wiki.sqlite | --xml dump.xml[.gz] | --api URL)\n"
	      "         [--out content/wiki] [--url-prefix /wiki] [--old-url-prefix URL]\n"
	      "         [--namespaces LIST] [--project-name NAME] [--force] [--report FILE]\n"
	      "         [--redirects BASE] [--site site.lua] [--allow-empty]\n"
	      "         [--delay MS] [--retries N] [--backoff MS] [--batch N] [--timeout S] [--no-history]\n",
	      stderr);
}

static int mediawiki_args(int argc, char **argv, struct import_mediawiki_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;
#define VALUE() do { if (!v) { fprintf(stderr, "nfsite import mediawiki: %s needs a value\n", a); return -1; } i++; } while (0)
#define NUMBER(dst, lo, hi) do { VALUE(); long n_ = strtol(v, &end, 10); \
		if (*end || n_ < (lo) || n_ > (hi)) { fprintf(stderr, "nfsite import mediawiki: bad %s '%s'\n", a, v); return -1; } \
		dst = n_; } while (0)
		if (!strcmp(a, "--db") || !strcmp(a, "--xml") || !strcmp(a, "--api")) {
			VALUE();
			if (o->kind) {
				fputs("nfsite import mediawiki: give one of --db, --xml, --api\n", stderr);
				return -1;
			}
			o->kind = a + 2;
			o->src = v;
		} else if (!strcmp(a, "--out")) {
			VALUE(); o->out = v;
		} else if (!strcmp(a, "--url-prefix")) {
			VALUE(); o->url_prefix = v;
		} else if (!strcmp(a, "--old-url-prefix")) {
			VALUE(); o->old_prefix = v;
		} else if (!strcmp(a, "--namespaces")) {
			VALUE(); o->namespaces = v;
		} else if (!strcmp(a, "--project-name")) {
			VALUE(); o->project_name = v;
		} else if (!strcmp(a, "--report")) {
			VALUE(); o->report = v;
		} else if (!strcmp(a, "--redirects")) {
			VALUE(); o->redirects = v;
		} else if (!strcmp(a, "--site")) {
			VALUE(); o->site = v;
		} else if (!strcmp(a, "--force")) {
			o->force = true;
		} else if (!strcmp(a, "--allow-empty")) {
			o->allow_empty = true;
		} else if (!strcmp(a, "--no-history")) {
			o->api.history = false;
		} else if (!strcmp(a, "--delay")) {
			NUMBER(o->api.delay_ms, 0, 600000);
		} else if (!strcmp(a, "--backoff")) {
			NUMBER(o->api.backoff_ms, 0, 600000);
		} else if (!strcmp(a, "--retries")) {
			NUMBER(o->api.retries, 0, 20);
		} else if (!strcmp(a, "--batch")) {
			NUMBER(o->api.batch, 1, 50);
		} else if (!strcmp(a, "--timeout")) {
			NUMBER(o->api.timeout_s, 1, 3600);
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			mediawiki_usage();
			return 1;
		} else {
			fprintf(stderr, "nfsite import mediawiki: unknown option '%s'\n", a);
			return -1;
		}
#undef VALUE
#undef NUMBER
	}
	if (!o->kind) {
		fputs("nfsite import mediawiki: one of --db, --xml or --api is required\n", stderr);
		return -1;
	}
	return 0;
}

static int import_mediawiki_main(int argc, char **argv)
{
	struct import_mediawiki_opts o = IMPORT_MEDIAWIKI_OPTS_INIT;
	int pr = mediawiki_args(argc, argv, &o);
	if (pr)
		return pr > 0 ? 0 : (mediawiki_usage(), EXIT_USAGE);
	switch (import_mediawiki(&o)) {
	case 0:
		return 0;
	case IMPORT_BAD_OPTION:
		return EXIT_USAGE;
	default:
		return EXIT_CONTENT;
	}
}

int cmd_import(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: nfsite import mediawiki|bugzilla [OPTIONS] (see nfsite help import)\n", stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "mediawiki"))
		return import_mediawiki_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bugzilla"))
		return import_bugzilla_main(argc - 1, argv + 1);
	fprintf(stderr, "nfsite import: unknown source '%s' (mediawiki or bugzilla)\n", argv[1]);
	return EXIT_USAGE;
}
