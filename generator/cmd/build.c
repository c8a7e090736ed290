/* cmd_build: `nfsite build` and `nfsite new`. */
#include "base/buf.h"
#include "base/date.h"
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "site/config.h"
#include "base/fs.h"
#include "base/log.h"
#include "site/site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct opt build_options[] = {
	{"--source", NULL, "DIR", "site folder holding content/, site.lua, templates/ (default .)", 's'},
	{"--dest", NULL, "DIR", "output folder (default SOURCE/public)", 'd'},
	{"--drafts", NULL, NULL, "include pages with draft: true", 'D'},
	{"--base-url", NULL, "URL", "override base_url from site.lua", 'b'},
	{"--broken-links", NULL, "error|warn",
	 "links to missing pages and #anchors fail the build (error), or are\n"
	 "warnings and the build goes on (warn); overrides site.lua's links", 'L'},
	{"--jobs", "-j", "N", "worker threads (default: number of cores)", 'j'},
	{"--quiet", "-q", NULL, "print errors only", 'q'},
	{NULL, NULL, NULL, NULL, 0},
};

const struct opts_spec build_spec = {
	"build",
	"usage: nfsite build [--source DIR] [--dest DIR] [--drafts] [--base-url URL] [--broken-links error|warn]\n"
	"                   [-j N] [-q]\n",
	NULL,
	build_options,
	"The previous output stays untouched when the build fails.\n",
};

int cmd_build(int argc, char **argv)
{
	struct build_opts opts = {.source = "."};
	char *dest = NULL;
	const char *v;
	int c, i = 1;
	while ((c = opts_next(&build_spec, argc, argv, &i, &v)) != OPTS_END) {
		switch (c) {
		case 's': opts.source = v; break;
		case 'd': free(dest); dest = xstrdup(v); break;
		case 'D': opts.drafts = true; break;
		case 'b':
			if (!config_base_url_valid(v)) {
				fprintf(stderr, "nfsite build: --base-url wants an absolute http(s) URL with a host, like "
				                "https://example.org/, not '%s'\n", v);
				free(dest);
				return EXIT_USAGE;
			}
			opts.base_url = v;
			break;
		case 'j': {
			char *end;
			long j = strtol(v, &end, 10);
			if (!*v || *end || j < 1 || j > 256) {
				fprintf(stderr, "nfsite build: -j wants a number of threads from 1 to 256, not '%s'\n", v);
				free(dest);
				return EXIT_USAGE;
			}
			opts.jobs = (int)j;
			break;
		}
		case 'q': log_quiet = true; break;
		case 'L':
			if (!(opts.broken_links = config_link_policy(v))) {
				fprintf(stderr, "nfsite build: --broken-links wants error or warn, not '%s'\n", v);
				free(dest);
				return EXIT_USAGE;
			}
			break;
		case OPTS_ARG:
			fprintf(stderr, "nfsite build: unexpected argument '%s'\n", v);
			free(dest);
			return EXIT_USAGE;
		default:
			free(dest);
			return opts_usage(&build_spec);
		}
	}
	if (!dest)
		dest = xasprintf("%s/public", opts.source);
	opts.dest = dest;
	struct build_stats st = {0};
	int rc = site_build(&opts, &st);
	/* Drafts are left out without a word otherwise, and a new page starts as one. */
	const char *drafts_hint = !st.drafts ? "" : st.drafts == 1 ? ": --drafts builds it" : ": --drafts builds them";
	if (rc == 0 && st.up_to_date)
		info("%s is up to date: no source changed since its last build (0 files written, %zu unchanged; "
		     "%zu draft%s skipped%s)", dest, st.unchanged, st.drafts, st.drafts == 1 ? "" : "s", drafts_hint);
	else if (rc == 0)
		info("built %zu pages into %s in %.0f ms (%zu files written, %zu unchanged, %zu removed; "
		     "%zu draft%s skipped%s)", st.pages, dest, st.seconds * 1000, st.written, st.unchanged, st.removed,
		     st.drafts, st.drafts == 1 ? "" : "s", drafts_hint);
	else
		fprintf(stderr, "nfsite build: failed; %s was left as it was\n", dest);
	free(dest);
	return rc == 0 ? 0 : EXIT_CONTENT;
}

static const struct opt new_options[] = {
	{"--source", NULL, "DIR", "site folder (default .)", 's'},
	{"--title", NULL, "T", "the page's title (default: from the file name)", 't'},
	{NULL, NULL, NULL, NULL, 0},
};

const struct opts_spec new_spec = {
	"new",
	"usage: nfsite new [--source DIR] [--title T] PATH.md\n",
	"Creates PATH.md (relative to the content folder unless it starts with content/)\n"
	"with title, date and draft: true. Refuses to overwrite an existing file. A draft\n"
	"is left out of builds until draft: false (--drafts builds it now).\n",
	new_options,
	NULL,
};

int cmd_new(int argc, char **argv)
{
	const char *source = ".", *title = NULL, *rel = NULL, *v;
	int c, i = 1;
	while ((c = opts_next(&new_spec, argc, argv, &i, &v)) != OPTS_END) {
		switch (c) {
		case 's': source = v; break;
		case 't': title = v; break;
		case OPTS_ARG:
			if (!rel) {
				rel = v;
				break;
			}
			/* fall through */
		default:
			return opts_usage(&new_spec);
		}
	}
	if (!rel)
		return opts_usage(&new_spec);
	size_t n = strlen(rel);
	if (n < 4 || strcmp(rel + n - 3, ".md") || !fs_rel_is_safe(rel, n)) {
		fprintf(stderr, "nfsite new: '%s' must be a relative path ending in .md, inside the site\n", rel);
		return EXIT_USAGE;
	}
	if (!strncmp(rel, "content/", 8))
		rel += 8;
	char *path = xasprintf("%s/content/%s", source, rel);
	int rc = 0;
	if (fs_exists(path)) {
		error_at(path, 0, "already exists; not overwriting it");
		rc = EXIT_CONTENT;
		goto out;
	}
	/* Title from the file name: "docs/flow-tables.md" → "Flow tables". */
	struct buf t = BUF_INIT;
	if (title) {
		buf_puts(&t, title);
	} else {
		const char *base = strrchr(rel, '/');
		base = base ? base + 1 : rel;
		if (!strcmp(base, "_index.md") || !strcmp(base, "index.md"))
			base = "Untitled";
		buf_add(&t, base, strcspn(base, "."));
		for (size_t i = 0; i < t.len; i++)
			if (t.data[i] == '-' || t.data[i] == '_')
				t.data[i] = ' ';
		if (t.len && t.data[0] >= 'a' && t.data[0] <= 'z')
			t.data[0] = (char)(t.data[0] - 'a' + 'A');
	}
	struct date today = date_utc(date_now());
	char day[DATE_DAY_SIZE];
	date_day(&today, day);
	/* Double-quoted YAML: escape backslashes and quotes in the title. */
	struct buf doc = BUF_INIT;
	buf_puts(&doc, "---\ntitle: \"");
	for (size_t i = 0; i < t.len; i++) {
		if (t.data[i] == '"' || t.data[i] == '\\')
			buf_putc(&doc, '\\');
		buf_putc(&doc, t.data[i]);
	}
	buf_printf(&doc, "\"\ndescription: \"\"\ndate: %s\ndraft: true\ntags: []\n---\n\nWrite here.\n", day);
	if (fs_write_atomic(path, doc.data, doc.len) < 0)
		rc = EXIT_CONTENT;
	else {
		printf("%s\n", path);
		info("%s is a draft: builds leave it out until its front matter says draft: false "
		     "(nfsite serve --drafts and nfsite build --drafts show it now)", path);
	}
	buf_release(&t);
	buf_release(&doc);
out:
	free(path);
	return rc;
}
