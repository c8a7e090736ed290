/* cmd_import: `nfsite import mediawiki|bugzilla …`: parses the importer's options, runs
 * its driver and turns the result into an exit status. */
#include "cmd/cmd.h"
#include "import/bugzilla/import.h"
#include "import/mediawiki/import.h"
#include "base/fs.h"
#include "base/log.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mediawiki_usage(void)
{
	fputs("usage: nfsite import mediawiki (--db wiki.sqlite | --xml dump.xml[.gz] | --api URL)\n"
	      "         [--out content/wiki] [--url-prefix /wiki] [--old-url-prefix URL (required with --db)]\n"
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

static int bugzilla_usage(void)
{
	fputs("usage: nfsite import bugzilla (--db FILE | --xml FILE | --rest URL)\n"
	      "         [--out FILE] [--report FILE] [--timezone TZ] [--max-attachment BYTES]\n"
	      "         [--ids LIST] [--api-key KEY] [--retries N] [--retry-wait MS] [--allow-empty]\n"
	      "         [--quiet]\n"
	      "  --out             archive database (default data/bugzilla.sqlite); an existing file\n"
	      "                    is replaced only when it is an archive nfsite wrote\n"
	      "  --allow-empty     write the archive even when the source holds no bug\n"
	      "  --timezone        zone of the database's times (default UTC)\n"
	      "  --max-attachment  larger attachments are stored as placeholders (default 10M)\n"
	      "  --ids             REST: bug ids (1-25,30); default: page through all bugs\n",
	      stderr);
	return EXIT_USAGE;
}

static bool parse_size(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || errno || *s == '-')
		return false;
	unsigned long long mul = 1;
	if (*end == 'k' || *end == 'K')
		mul = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1024 * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1024ULL * 1024 * 1024, end++;
	if (*end || v > SIZE_MAX / mul)
		return false;
	*out = (size_t)(v * mul);
	return true;
}

static bool valid_tz(const char *tz)
{
	if (!*tz || tz[0] == '/' || strstr(tz, ".."))
		return false;
	for (const char *p = tz; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+-/", *p))
			return false;
	if (!strcmp(tz, "UTC"))
		return true;
	char path[512];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
	return fs_exists(path);
}

static int import_bugzilla_main(int argc, char **argv)
{
	struct import_bugzilla_opts o = {
		.out = "data/bugzilla.sqlite",
		.bz = {
			.timezone = NULL, /* UTC unless --timezone (see below) */
			.max_attachment = 10 * 1024 * 1024,
			.api_key = getenv("BUGZILLA_API_KEY"),
			.retry_wait_ms = 1000,
			.retries = 5,
		},
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			log_quiet = true;
			continue;
		}
		if (!strcmp(a, "--allow-empty")) {
			o.allow_empty = true;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return bugzilla_usage(), 0;
		if (!v || strncmp(a, "--", 2)) {
			fprintf(stderr, "nfsite import bugzilla: %s '%s'\n",
				strncmp(a, "--", 2) ? "unexpected argument" : "missing value for", a);
			return bugzilla_usage();
		}
		i++;
		if (!strcmp(a, "--db"))
			o.db = v;
		else if (!strcmp(a, "--xml"))
			o.xml = v;
		else if (!strcmp(a, "--rest"))
			o.rest = v;
		else if (!strcmp(a, "--out"))
			o.out = v;
		else if (!strcmp(a, "--report"))
			o.report = v;
		else if (!strcmp(a, "--timezone"))
			o.bz.timezone = v;
		else if (!strcmp(a, "--ids"))
			o.bz.ids = v;
		else if (!strcmp(a, "--api-key"))
			o.bz.api_key = v;
		else if (!strcmp(a, "--max-attachment")) {
			if (!parse_size(v, &o.bz.max_attachment)) {
				fprintf(stderr, "nfsite import bugzilla: bad size '%s'\n", v);
				return bugzilla_usage();
			}
		} else if (!strcmp(a, "--retries") || !strcmp(a, "--retry-wait")) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < 0 || n > 100000) {
				fprintf(stderr, "nfsite import bugzilla: bad number '%s'\n", v);
				return bugzilla_usage();
			}
			if (a[8] == 's')
				o.bz.retries = (int)n;
			else
				o.bz.retry_wait_ms = n;
		} else {
			fprintf(stderr, "nfsite import bugzilla: unknown option '%s'\n", a);
			return bugzilla_usage();
		}
	}
	if ((o.db != NULL) + (o.xml != NULL) + (o.rest != NULL) != 1) {
		fputs("nfsite import bugzilla: give exactly one of --db, --xml, --rest\n", stderr);
		return bugzilla_usage();
	}
	/* Bugzilla's database holds its server's wall-clock time and nothing says which
	 * zone (not its params either); XML and REST carry their offsets. */
	if (!o.bz.timezone) {
		o.bz.timezone = "UTC";
		if (o.db)
			warn_at(o.db, 0, "its times are read as UTC; if the Bugzilla server ran in another time zone, "
			        "give it with --timezone (like Europe/Berlin)");
	}
	if (!valid_tz(o.bz.timezone)) {
		fprintf(stderr, "nfsite import bugzilla: unknown time zone '%s'\n", o.bz.timezone);
		return EXIT_USAGE;
	}
	if (import_bugzilla(&o) < 0) {
		fprintf(stderr, "nfsite import bugzilla: failed; %s left as it was\n", o.out);
		return EXIT_CONTENT;
	}
	return 0;
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
