/* cmd_check: options of `nfsite check`; builds into a temporary folder unless --dest
 * names a built one, then runs linkcheck over it. Exit 0 when no link is broken,
 * 1 when some are (or the build failed), 2 on usage errors. */
#include "base/buf.h"
#include "cmd/cmd.h"
#include "site/config.h"
#include "base/fs.h"
#include "check/links.h"
#include "base/log.h"
#include "site/site.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_usage(void)
{
	fputs("usage: nfsite check [--source DIR] [--dest DIR] [--external] [--cache FILE] [--timeout S]\n"
	      "                    [--jobs N] [--max-age AGE] [--base-url URL] [--skip PREFIX]... [--drafts]\n", stderr);
	return EXIT_USAGE;
}

/* "90", "90s", "30m", "24h", "7d" → seconds; -1 when malformed. */
static long parse_age(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || v < 0)
		return -1;
	long mul = !*end || !strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60 : !strcmp(end, "h") ? 3600
		 : !strcmp(end, "d") ? 86400 : -1;
	return mul < 0 ? -1 : v * mul;
}

int cmd_check(int argc, char **argv)
{
	struct linkcheck_opts o = {.timeout = 10, .jobs = 8, .max_age = 86400};
	size_t skip_cap = 0;
	const char *source = ".", *dest = NULL;
	bool drafts = false;
	char *tmpdir = NULL, *root = NULL, *cache = NULL;
	int status = EXIT_CONTENT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;
		if (!strcmp(a, "--external")) {
			o.external = true;
		} else if (!strcmp(a, "--drafts")) {
			drafts = true;
		} else if (!v) {
			fprintf(stderr, "nfsite check: unknown or incomplete option '%s'\n", a);
			return check_usage();
		} else if (!strcmp(a, "--source")) {
			source = argv[++i];
		} else if (!strcmp(a, "--dest")) {
			dest = argv[++i];
		} else if (!strcmp(a, "--cache")) {
			o.cache = argv[++i];
		} else if (!strcmp(a, "--skip")) {
			/* links under PREFIX (a URL, or a site path such as /pub/) live outside
			 * the generated site */
			ALLOC_GROW(o.skip, o.nskip + 1, skip_cap);
			o.skip[o.nskip++] = argv[++i];
		} else if (!strcmp(a, "--base-url")) {
			if (!config_base_url_valid(v)) {
				fprintf(stderr, "nfsite check: --base-url wants an absolute http(s) URL with a host, like "
				                "https://example.org/, not '%s'\n", v);
				return EXIT_USAGE;
			}
			o.base_url = argv[++i];
		} else if (!strcmp(a, "--timeout")) {
			o.timeout = strtod(v, &end);
			if (*end || !(o.timeout > 0 && o.timeout <= 3600)) {
				fprintf(stderr, "nfsite check: --timeout wants seconds (0 < S <= 3600), not '%s'\n", v);
				return EXIT_USAGE;
			}
			i++;
		} else if (!strcmp(a, "--jobs")) {
			long n = strtol(v, &end, 10);
			if (*end || n < 1 || n > 64) {
				fprintf(stderr, "nfsite check: --jobs wants 1..64, not '%s'\n", v);
				return EXIT_USAGE;
			}
			o.jobs = (int)n;
			i++;
		} else if (!strcmp(a, "--max-age")) {
			o.max_age = parse_age(v);
			if (o.max_age < 0) {
				fprintf(stderr, "nfsite check: --max-age wants seconds or 30m, 24h, 7d; not '%s'\n", v);
				return EXIT_USAGE;
			}
			i++;
		} else {
			fprintf(stderr, "nfsite check: unknown option '%s'\n", a);
			return check_usage();
		}
	}
	if (dest && drafts) {
		fputs("nfsite check: --drafts only applies when check builds the site (no --dest)\n", stderr);
		return EXIT_USAGE;
	}
	if (o.external && !o.cache)
		o.cache = cache = xasprintf("%s/.nfsite-cache/links.sqlite", source);
	/* site.lua's check.skip adds to --skip: paths the host serves beside the site. */
	struct config cfg = {0};
	bool have_cfg = false;
	if (fs_is_dir(source)) {
		if (config_load(source, NULL, &cfg) < 0)
			goto out;
		have_cfg = true;
		for (char **p = cfg.check_skip; p && *p; p++) {
			ALLOC_GROW(o.skip, o.nskip + 1, skip_cap);
			o.skip[o.nskip++] = *p;
		}
	}

	if (dest) {
		root = xstrdup(dest);
	} else {
		const char *tmp = getenv("TMPDIR");
		tmpdir = xasprintf("%s/nfsite-check.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(tmpdir)) {
			error_at(tmpdir, 0, "cannot create a temporary folder: %s", strerror(errno));
			free(tmpdir);
			tmpdir = NULL;
			goto out;
		}
		root = xasprintf("%s/site", tmpdir);
		struct build_opts b = {.source = source, .dest = root, .drafts = drafts};
		if (site_build(&b, NULL) < 0) {
			error_at(source, 0, "the build failed; links not checked");
			goto out;
		}
	}

	struct linkcheck_stats st;
	o.root = root;
	if (o.external)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = linkcheck_run(&o, &st);
	if (o.external)
		curl_global_cleanup();
	if (rc < 0)
		goto out;
	printf("checked %ld page%s, %ld link%s", st.pages, st.pages == 1 ? "" : "s", st.links, st.links == 1 ? "" : "s");
	if (o.external)
		printf(" (%ld external URL%s, %ld from the cache)", st.external, st.external == 1 ? "" : "s", st.cached);
	printf(": %ld broken", st.broken);
	if (o.external)
		printf(", %ld redirected, %ld rate limited", st.redirected, st.limited);
	putchar('\n');
	status = st.broken ? EXIT_CONTENT : 0;
out:
	if (have_cfg)
		config_release(&cfg);
	if (tmpdir) {
		fs_remove_tree(tmpdir);
		free(tmpdir);
	}
	free(root);
	free(cache);
	free(o.skip);
	return status;
}
