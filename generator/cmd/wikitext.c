/* cmd_wikitext: `nfsite wikitext [--to markdown|html] [--db FILE | --xml FILE] [--title T]`.
 * The converter as a filter, like pandoc: wikitext on stdin, Markdown (or the HTML the
 * site's Markdown pipeline makes of it, iptables-family blocks followed by their nft
 * translation as a build shows them, uncached) on stdout. --db/--xml open a wiki only to answer
 * template and link lookups, --images its files (found in the upload folder, never
 * copied). Constructs kept unconverted and red links are listed on
 * stderr as warnings; the exit status is 2 for usage errors, 1 when the input cannot be
 * read or the wiki cannot be opened. */
#include "base/buf.h"
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "import/mediawiki/import.h"
#include "base/log.h"
#include "site/markdown.h"
#include "site/translate.h"
#include "wikitext/wikitext.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct opt wikitext_options[] = {
	{"--to", NULL, "FORMAT", "markdown (default) or html (a page body, with nft translations)", 't'},
	{"--db", NULL, "FILE", "a MediaWiki SQLite database: templates and link targets", 'd'},
	{"--xml", NULL, "FILE", "a MediaWiki XML export: templates and link targets", 'x'},
	{"--images", NULL, "DIR", "the wiki's upload folder (with --db or --xml): [[File:]] shows\n"
	 "its images, linked as the importer copies them", 'i'},
	{"--title", NULL, "T", "the page's title, for magic words and the pipe trick", 'T'},
	{"--site-name", NULL, "NAME", "the wiki's name ({{SITENAME}}, the project namespace;\n"
	 "default: the --db or --xml wiki's)", 'n'},
	{"--server", NULL, "URL", "the wiki's server, for {{fullurl:}} (\"https://wiki.example.org\")", 's'},
	{NULL, NULL, NULL, NULL, 0},
};

const struct opts_spec wikitext_spec = {
	"wikitext",
	"usage: nfsite wikitext [--to markdown|html] [--db FILE | --xml FILE] [--images DIR] [--title T] [--site-name NAME] [--server URL] < in > out\n",
	NULL,
	wikitext_options,
	NULL,
};

static int read_all(FILE *f, struct buf *out)
{
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(out, tmp, n);
	if (ferror(f))
		return error_at("<stdin>", 0, "cannot read: %s", strerror(errno));
	return 0;
}

int cmd_wikitext(int argc, char **argv)
{
	const char *to = "markdown", *db = NULL, *xml = NULL, *title = NULL, *site = NULL;
	const char *server = NULL, *images = NULL;
	struct buf in = BUF_INIT;
	struct wikitext_result res = WIKITEXT_RESULT_INIT;
	struct md_doc doc = MD_DOC_INIT;
	struct mw_wiki *wiki = NULL;
	struct translator *tr = NULL;
	int rc = EXIT_USAGE;

	const char *v;
	int c, i = 1;
	while ((c = opts_next(&wikitext_spec, argc, argv, &i, &v)) != OPTS_END) {
		switch (c) {
		case 't': to = v; break;
		case 'd': db = v; break;
		case 'x': xml = v; break;
		case 'i': images = v; break;
		case 'T': title = v; break;
		case 'n': site = v; break;
		case 's': server = v; break;
		case OPTS_ARG:
			fprintf(stderr, "nfsite wikitext: unexpected argument '%s'\n", v);
			/* fall through */
		default:
			opts_usage(&wikitext_spec);
			goto out;
		}
	}
	if (strcmp(to, "markdown") && strcmp(to, "html")) {
		fprintf(stderr, "nfsite wikitext: --to takes markdown or html, not '%s'\n", to);
		opts_usage(&wikitext_spec);
		goto out;
	}
	if (db && xml) {
		fputs("nfsite wikitext: --db and --xml exclude each other\n", stderr);
		opts_usage(&wikitext_spec);
		goto out;
	}
	if (images && !db && !xml) {
		fputs("nfsite wikitext: --images needs --db or --xml (the wiki's list of files)\n", stderr);
		opts_usage(&wikitext_spec);
		goto out;
	}
	rc = EXIT_CONTENT;
	if ((db || xml) && mw_wiki_open(db ? db : xml, xml != NULL, images, &wiki) < 0)
		goto out;
	if (read_all(stdin, &in) < 0)
		goto out;

	struct wikitext_opts opts = {0};
	opts.title = title;
	opts.sitename = site;
	opts.server = server;
	if (wiki) {
		opts.sitename = site ? site : mw_wiki_sitename(wiki);
		opts.project = mw_wiki_project(wiki);
		opts.template_source = mw_wiki_template;
		opts.link_target = mw_wiki_link_target;
		opts.file_info = images ? mw_wiki_file : NULL;
		opts.arg = wiki;
	}
	if (wikitext_convert(in.data, in.len, &opts, &res) < 0)
		warn_at("<stdin>", 0, "conversion hit a limit; the output is partial");
	for (size_t i = 0; i < res.nunconverted; i++)
		warn_at("<stdin>", 0, "not converted: %s", res.unconverted[i]);
	for (size_t i = 0; i < res.nmissing; i++)
		warn_at("<stdin>", 0, "link to a missing %s: %s", res.missing_links[i][0] == '#' ? "section" : "page",
		        res.missing_links[i]);

	if (!strcmp(to, "html")) {
		struct md_opts mo = {0};
		mo.file = "<stdin>";
		mo.first_line = 1;
		mo.translate = tr = translator_new();
		mo.translate_open = true;
		if (markdown_render(res.markdown.data, res.markdown.len, &mo, &doc) < 0)
			goto out;
		fwrite(doc.html.data, 1, doc.html.len, stdout);
	} else {
		fwrite(res.markdown.data, 1, res.markdown.len, stdout);
	}
	if (fflush(stdout) != 0) {
		error_at("<stdout>", 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	translator_free(tr); /* its one warning, when translators were missing */
	md_doc_release(&doc);
	wikitext_result_release(&res);
	mw_wiki_free(wiki);
	buf_release(&in);
	return rc;
}
