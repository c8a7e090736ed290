/* cmd_check: options of `nfsite check`; builds into a temporary folder unless --dest
 * names a built one, then runs linkcheck over it. Exit 0 when no link is broken,
 * 1 when some are (or the build failed), 2 on usage errors. */
#include "base/buf.h"
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "site/config.h"
#include "base/fs.h"
#include "check/links.h"
#include "base/log.h"
#include "base/strmap.h"
#include "base/url.h"
#include "site/cache.h"
#include "site/site.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Where the build says each link of a Markdown page was written (its cache keeps it):
 * "out\x01href" → the file (a key of files, ptr) and line (num). Hrefs are compared
 * percent-decoded: the HTML has what cmark escaped. */
struct sources {
	struct strmap links, files;
};

static void href_key(struct buf *key, const char *out, const char *href)
{
	buf_reset(key);
	buf_puts(key, out);
	buf_putc(key, '\x01');
	url_decode(href, strlen(href), key, false);
}

static void add_source(void *arg, const char *out, const char *file, const char *href, int line)
{
	struct sources *s = arg;
	struct buf key = BUF_INIT;
	bool added;
	href_key(&key, out, href);
	struct strmap_entry *e = strmap_put(&s->links, key.data, key.len, &added);
	if (added) { /* the first line a page links there, as the check reports */
		e->ptr = strmap_put(&s->files, file, strlen(file), NULL)->key;
		e->num = line;
	}
	buf_release(&key);
}

static bool locate(void *arg, const char *page, const char *url, const char **file, long *line)
{
	struct sources *s = arg;
	struct buf key = BUF_INIT;
	href_key(&key, page, url);
	struct strmap_entry *e = strmap_get(&s->links, key.data, key.len);
	if (e) {
		*file = e->ptr;
		*line = e->num;
	}
	buf_release(&key);
	return e != NULL;
}

static const struct opt check_options[] = {
	{"--source", NULL, "DIR", "site folder (default .); with no --dest it is built into a temporary folder", 's'},
	{"--dest", NULL, "DIR", "check an already built folder instead", 'd'},
	{"--external", NULL, NULL, "also check external links (libcurl, at most 2 connections per host)", 'e'},
	{"--cache", NULL, "FILE", "external results cache (default SOURCE/.nfsite-cache/links.sqlite)", 'c'},
	{"--max-age", NULL, "AGE", "reuse cached results younger than AGE (e.g. 30m, 24h, 7d; default 24h)", 'a'},
	{"--timeout", NULL, "S", "seconds per external request (default 10)", 't'},
	{"--jobs", NULL, "N", "parallel external requests (default 8)", 'j'},
	{"--base-url", NULL, "URL", "absolute links under URL count as internal (default: from sitemap.xml)", 'b'},
	{"--skip", NULL, "PREFIX", "links under PREFIX are served by the host, not the site\n(also site.lua check.skip); may be repeated", 'k'},
	{"--drafts", NULL, NULL, "build drafts too", 'D'},
	{NULL, NULL, NULL, NULL, 0},
};

const struct opts_spec check_spec = {
	"check",
	"usage: nfsite check [--source DIR] [--dest DIR] [--external] [--cache FILE] [--timeout S] [--jobs N]\n"
	"                    [--max-age AGE] [--base-url URL] [--skip PREFIX]... [--drafts]\n",
	NULL,
	check_options,
	NULL,
};

int cmd_check(int argc, char **argv)
{
	struct linkcheck_opts o = {.timeout = 10, .jobs = 8, .max_age = 86400};
	size_t skip_cap = 0;
	const char *source = ".", *dest = NULL;
	bool drafts = false;
	char *tmpdir = NULL, *root = NULL, *cache = NULL;
	int status = EXIT_CONTENT;
	struct config cfg = {0};
	bool have_cfg = false;
	const char *v;
	int c, i = 1;
	while ((c = opts_next(&check_spec, argc, argv, &i, &v)) != OPTS_END) {
		char *end = NULL;
		switch (c) {
		case 'e': o.external = true; break;
		case 'D': drafts = true; break;
		case 's': source = v; break;
		case 'd': dest = v; break;
		case 'c': o.cache = v; break;
		case 'k':
			/* links under PREFIX (a URL, or a site path such as /pub/) live outside
			 * the generated site */
			ALLOC_GROW(o.skip, o.nskip + 1, skip_cap);
			o.skip[o.nskip++] = v;
			break;
		case 'b':
			if (!config_base_url_valid(v)) {
				fprintf(stderr, "nfsite check: --base-url wants an absolute http(s) URL with a host, like "
				                "https://example.org/, not '%s'\n", v);
				goto usage;
			}
			o.base_url = v;
			break;
		case 't':
			o.timeout = strtod(v, &end);
			if (*end || !(o.timeout > 0 && o.timeout <= 3600)) {
				fprintf(stderr, "nfsite check: --timeout wants seconds (0 < S <= 3600), not '%s'\n", v);
				goto usage;
			}
			break;
		case 'j': {
			long n = strtol(v, &end, 10);
			if (!*v || *end || n < 1 || n > 64) {
				fprintf(stderr, "nfsite check: --jobs wants 1..64, not '%s'\n", v);
				goto usage;
			}
			o.jobs = (int)n;
			break;
		}
		case 'a':
			o.max_age = parse_age(v);
			if (o.max_age < 0) {
				fprintf(stderr, "nfsite check: --max-age wants seconds or 30m, 24h, 7d; not '%s'\n", v);
				goto usage;
			}
			break;
		case OPTS_ARG:
			fprintf(stderr, "nfsite check: unexpected argument '%s'\n", v);
			/* fall through */
		default:
			opts_usage(&check_spec);
			goto usage;
		}
	}
	if (dest && drafts) {
		fputs("nfsite check: --drafts only applies when check builds the site (no --dest)\n", stderr);
		goto usage;
	}
	if (o.external && !o.cache)
		o.cache = cache = xasprintf("%s/.nfsite-cache/links.sqlite", source);
	/* site.lua's check.skip adds to --skip: paths the host serves beside the site. */
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
	struct sources sources = {STRMAP_INIT, STRMAP_INIT};
	cache_each_href(root, add_source, &sources);
	o.root = root;
	o.locate = locate;
	o.locate_arg = &sources;
	if (o.external)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = linkcheck_run(&o, &st);
	if (o.external)
		curl_global_cleanup();
	strmap_release(&sources.links);
	strmap_release(&sources.files);
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
	goto out;
usage:
	status = EXIT_USAGE;
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
