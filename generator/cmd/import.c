/* cmd_import: `nfsite import mediawiki|bugzilla …`: parses the importer's options, runs
 * its driver and turns the result into an exit status. */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "import/bugzilla/import.h"
#include "import/mediawiki/import.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/suggest.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct opt mediawiki_options[] = {
	{"--db", NULL, "FILE", "MediaWiki's SQLite database", 'd'},
	{"--xml", NULL, "FILE[.gz]", "an XML export (Special:Export or dumpBackup.php)", 'x'},
	{"--api", NULL, "URL", "a live wiki's api.php, read politely", 'a'},
	{"--out", NULL, "DIR", "folder for the pages (default content/wiki); an existing\n"
	 "one must be empty or hold pages an import wrote", 'o'},
	{"--url-prefix", NULL, "PATH", "the pages' URL on the new site (default: from --out, else /wiki)", 'u'},
	{"--old-url-prefix", NULL, "URL", "the old wiki's address (where index.php lives, or index.php\n"
	 "itself), for redirects and original_url; required with --db (default:\n"
	 "from the export's <siteinfo><base>, or the folder of the --api URL)", 'U'},
	{"--article-path", NULL, "PATH", "the old wiki's short article URLs, $1 for the title\n"
	 "($wgArticlePath, like /wiki/$1), redirected too (default: from\n"
	 "the export's <siteinfo><base>, else only index.php/$1)", 'A'},
	{"--namespaces", NULL, "LIST", "namespaces to import, by name or number, or all\n"
	 "(default: pages, talk, user, project, help, category)", 'n'},
	{"--project-name", NULL, "NAME", "name of the project namespace (default: guessed)", 'p'},
	{"--site-name", NULL, "NAME", "the wiki's name, for {{SITENAME}} (default: the export's or\n"
	 "the API's, else the project namespace's name)", 'S'},
	{"--images", NULL, "DIR", "the wiki's upload folder (its images/, hashed layout): files\n"
	 "are copied to OUT/files/ (--db, --xml; --api downloads them)", 'i'},
	{"--site", NULL, "FILE", "site.lua whose wiki_templates map templates (default ./site.lua)", 's'},
	{"--force", NULL, NULL, "overwrite pages edited by hand since the last import", 'f'},
	{"--allow-empty", NULL, NULL, "import even when the source holds no page", 'e'},
	{"--report", NULL, "FILE", "JSON report: pages read, written, skipped and why", 'R'},
	{"--delay", NULL, "MS", "API: pause between requests (default 500)", 'D'},
	{"--retries", NULL, "N", "API: retries per request (default 5)", 'N'},
	{"--backoff", NULL, "MS", "API: first retry wait, doubling (default 1000)", 'B'},
	{"--batch", NULL, "N", "API: pages per revisions request, 1-50 (default 50)", 'b'},
	{"--timeout", NULL, "S", "API: seconds per request (default 60)", 't'},
	{"--no-history", NULL, NULL, "API: read only each page's latest revision, not its history", 'H'},
	{NULL, NULL, NULL, NULL, 0},
};

const struct opts_spec import_mediawiki_spec = {
	"import mediawiki",
	"usage: nfsite import mediawiki (--db FILE | --xml FILE[.gz] | --api URL) [OPTIONS]\n",
	"mediawiki: the wiki's pages become Markdown pages, plus a redirect file of its old URLs\n",
	mediawiki_options,
	NULL,
};

/* Stores a number from lo to hi, or says which option got a bad one. */
static int number(const char *name, const char *v, long lo, long hi, long *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi) {
		fprintf(stderr, "nfsite %s: bad number '%s' (%ld..%ld)\n", name, v, lo, hi);
		return -1;
	}
	*out = n;
	return 0;
}

static int mediawiki_args(int argc, char **argv, struct import_mediawiki_opts *o)
{
	const char *v, *me = import_mediawiki_spec.name;
	long n = 0;
	int c, i = 1;
	while ((c = opts_next(&import_mediawiki_spec, argc, argv, &i, &v)) != OPTS_END) {
		switch (c) {
		case 'd':
		case 'x':
		case 'a':
			if (o->kind) {
				fputs("nfsite import mediawiki: give one of --db, --xml, --api\n", stderr);
				return -1;
			}
			o->kind = c == 'd' ? "db" : c == 'x' ? "xml" : "api";
			o->src = v;
			break;
		case 'o': o->out = v; break;
		case 'u': o->url_prefix = v; break;
		case 'U': o->old_prefix = v; break;
		case 'A': o->article_path = v; break;
		case 'n': o->namespaces = v; break;
		case 'p': o->project_name = v; break;
		case 'S': o->site_name = v; break;
		case 'i': o->images = v; break;
		case 'R': o->report = v; break;
		case 's': o->site = v; break;
		case 'f': o->force = true; break;
		case 'e': o->allow_empty = true; break;
		case 'H': o->api.history = false; break;
		case 'D':
			if (number(me, v, 0, 600000, &n) < 0)
				return -1;
			o->api.delay_ms = n;
			break;
		case 'B':
			if (number(me, v, 0, 600000, &n) < 0)
				return -1;
			o->api.backoff_ms = n;
			break;
		case 'N':
			if (number(me, v, 0, 20, &n) < 0)
				return -1;
			o->api.retries = n;
			break;
		case 'b':
			if (number(me, v, 1, 50, &n) < 0)
				return -1;
			o->api.batch = n;
			break;
		case 't':
			if (number(me, v, 1, 3600, &n) < 0)
				return -1;
			o->api.timeout_s = n;
			break;
		case OPTS_ARG:
			fprintf(stderr, "nfsite import mediawiki: unexpected argument '%s'\n", v);
			return -1;
		default:
			return -1;
		}
	}
	if (!o->kind) {
		fputs("nfsite import mediawiki: one of --db, --xml or --api is required\n", stderr);
		return -1;
	}
	if (o->images && !strcmp(o->kind, "api")) {
		fputs("nfsite import mediawiki: --images is for --db and --xml (--api downloads the files)\n", stderr);
		return -1;
	}
	return 0;
}

static int import_mediawiki_main(int argc, char **argv)
{
	struct import_mediawiki_opts o = IMPORT_MEDIAWIKI_OPTS_INIT;
	if (mediawiki_args(argc, argv, &o) < 0)
		return opts_usage(&import_mediawiki_spec);
	switch (import_mediawiki(&o)) {
	case 0:
		return 0;
	case IMPORT_BAD_OPTION:
		return EXIT_USAGE;
	default:
		return EXIT_CONTENT;
	}
}

static const struct opt bugzilla_options[] = {
	{"--db", NULL, "FILE", "Bugzilla's SQLite database", 'd'},
	{"--xml", NULL, "FILE", "show_bug.cgi?ctype=xml output", 'x'},
	{"--rest", NULL, "URL", "a live Bugzilla's REST API (rest.cgi)", 'r'},
	{"--out", NULL, "FILE", "archive database (default data/bugzilla.sqlite); an\n"
	 "existing file is replaced only when nfsite wrote it", 'o'},
	{"--report", NULL, "FILE", "JSON report: bugs, comments, attachments read and skipped", 'R'},
	{"--timezone", NULL, "TZ", "zone of the database's times (default UTC)", 'z'},
	{"--max-attachment", NULL, "BYTES", "larger attachments are stored as placeholders (default 10M)", 'm'},
	{"--ids", NULL, "LIST", "REST: bug ids such as 1-25,30 (default: all bugs)", 'i'},
	{"--api-key", NULL, "KEY", "REST: API key (default: $BUGZILLA_API_KEY)", 'k'},
	{"--retries", NULL, "N", "REST: retries per request (default 5)", 'N'},
	{"--retry-wait", NULL, "MS", "REST: first retry wait (default 1000)", 'W'},
	{"--allow-empty", NULL, NULL, "write the archive even when the source holds no bug", 'e'},
	{"--quiet", "-q", NULL, "print errors only", 'q'},
	{NULL, NULL, NULL, NULL, 0},
};

const struct opts_spec import_bugzilla_spec = {
	"import bugzilla",
	"usage: nfsite import bugzilla (--db FILE | --xml FILE | --rest URL) [OPTIONS]\n",
	"bugzilla: the bugs become an archive database that the build renders under /bugs/\n",
	bugzilla_options,
	NULL,
};

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
	const char *v, *me = import_bugzilla_spec.name;
	long n;
	int c, i = 1;
	while ((c = opts_next(&import_bugzilla_spec, argc, argv, &i, &v)) != OPTS_END) {
		switch (c) {
		case 'q': log_quiet = true; break;
		case 'e': o.allow_empty = true; break;
		case 'd': o.db = v; break;
		case 'x': o.xml = v; break;
		case 'r': o.rest = v; break;
		case 'o': o.out = v; break;
		case 'R': o.report = v; break;
		case 'z': o.bz.timezone = v; break;
		case 'i': o.bz.ids = v; break;
		case 'k': o.bz.api_key = v; break;
		case 'm':
			if (!parse_size(v, &o.bz.max_attachment)) {
				fprintf(stderr, "nfsite import bugzilla: bad size '%s'\n", v);
				return opts_usage(&import_bugzilla_spec);
			}
			break;
		case 'N':
			if (number(me, v, 0, 100000, &n) < 0)
				return opts_usage(&import_bugzilla_spec);
			o.bz.retries = (int)n;
			break;
		case 'W':
			if (number(me, v, 0, 100000, &n) < 0)
				return opts_usage(&import_bugzilla_spec);
			o.bz.retry_wait_ms = n;
			break;
		case OPTS_ARG:
			fprintf(stderr, "nfsite import bugzilla: unexpected argument '%s'\n", v);
			/* fall through */
		default:
			return opts_usage(&import_bugzilla_spec);
		}
	}
	if ((o.db != NULL) + (o.xml != NULL) + (o.rest != NULL) != 1) {
		fputs("nfsite import bugzilla: give exactly one of --db, --xml, --rest\n", stderr);
		return opts_usage(&import_bugzilla_spec);
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
	struct suggest sg = SUGGEST_INIT(argv[1]);
	suggest_try(&sg, "mediawiki");
	suggest_try(&sg, "bugzilla");
	if (sg.best)
		fprintf(stderr, "nfsite import: unknown source '%s' (did you mean '%s'?)\n", argv[1], sg.best);
	else
		fprintf(stderr, "nfsite import: unknown source '%s' (mediawiki or bugzilla)\n", argv[1]);
	return EXIT_USAGE;
}
