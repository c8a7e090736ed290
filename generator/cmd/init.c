/* cmd_init: `nfsite init [DIR]`, a new site that `nfsite build` builds at once. */
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "cmd/cmd.h"
#include "cmd/opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every setting config.c reads, at its default. A line starting with "--  " is a
 * setting (t0011 removes the "--" of each and builds the result); prose is "-- ". */
static const char SITE_LUA[] =
	"-- site.lua: this site's settings, read by nfsite. It returns a Lua table.\n"
	"-- Lines that start with \"--  \" are settings at their default: delete the \"--\"\n"
	"-- to change one. Every key is described in nfsite's docs/CONFIG.md.\n"
	"return {\n"
	"  -- The site's name, shown in the header and the page titles.\n"
	"  title = \"My site\",\n"
	"  -- Shown on the home page and in search results (<meta name=\"description\">).\n"
	"--  description = \"\",\n"
	"  -- <html lang>.\n"
	"--  language = \"en\",\n"
	"  -- The site's public address; its path prefixes every link (https://example.org/docs/\n"
	"  -- for a site under /docs/). Unset, links start at the host's root. `nfsite build\n"
	"  -- --base-url URL` overrides it.\n"
	"--  base_url = \"https://example.org/\",\n"
	"  -- The section whose pages are news: newest first, with an Atom feed at /atom.xml.\n"
	"--  news_section = \"/news/\",\n"
	"  -- The bug archive `nfsite import bugzilla` writes, rendered under /bugs/ when present.\n"
	"--  bug_archive = \"data/bugzilla.sqlite\",\n"
	"  -- Time zone for dates shown (dates are kept as written).\n"
	"--  time_zone = \"UTC\",\n"
	"  -- Menus: main (unset: the top-level sections) and footer (unset: none), each a list\n"
	"  -- of { name =, url =, weight = }.\n"
	"--  menus = {\n"
	"--    main = { { name = \"Docs\", url = \"/docs/\", weight = 1 } },\n"
	"--    footer = { { name = \"Home\", url = \"/\" } },\n"
	"--  },\n"
	"  -- Anything templates should see as site.params. The default theme reads these:\n"
	"  -- tagline (home page heading), logo (an image path for the header), footer (HTML\n"
	"  -- for the footer), extra_css (style sheets added after the theme's, e.g. a file\n"
	"  -- in static/) and extra_head (HTML added at the end of every <head>).\n"
	"--  params = {\n"
	"--    tagline = \"\",\n"
	"--    logo = \"\",\n"
	"--    footer = \"\",\n"
	"--    extra_css = {},\n"
	"--    extra_head = \"\",\n"
	"--  },\n"
	"  -- Banners shown on the pages their rules match (see docs/CONFIG.md).\n"
	"--  banners = {},\n"
	"  -- page: a function called with each page's table before it renders.\n"
	"--  hooks = {\n"
	"--    page = function(page) end,\n"
	"--  },\n"
	"  -- URL prefixes the web server serves beside the site: `nfsite check` skips them.\n"
	"--  check = { skip = {} },\n"
	"  -- For `nfsite import mediawiki`: template name -> function(args) returning Markdown.\n"
	"--  wiki_templates = {},\n"
	"}\n";

static const char HOME_MD[] =
	"---\n"
	"title: \"Home\"\n"
	"description: \"A site built with nfsite.\"\n"
	"---\n"
	"\n"
	"Welcome. This page is `content/_index.md`; every Markdown file under `content/`\n"
	"becomes a page.\n"
	"\n"
	"Read [Getting started](docs/getting-started.md) next.\n";

static const char DOCS_MD[] =
	"---\n"
	"title: \"Getting started\"\n"
	"description: \"How this site is made.\"\n"
	"weight: 1\n"
	"---\n"
	"\n"
	"## Write\n"
	"\n"
	"`nfsite new docs/my-page.md` makes a page with its front matter filled in. It starts\n"
	"as a draft: set `draft: false` to publish it, or preview drafts with\n"
	"`nfsite serve --drafts`.\n"
	"\n"
	"## Build\n"
	"\n"
	"`nfsite serve` previews the site and reloads it on every change; `nfsite build`\n"
	"writes it into `public/`, ready to copy to any web server.\n"
	"\n"
	"## Change the look\n"
	"\n"
	"Put a style sheet in `static/css/custom.css` and name it in `site.lua`:\n"
	"`params = { extra_css = { \"css/custom.css\" } }`. Back to [the home page](../_index.md).\n";

/* The build's output, its spare tree and lock, and the link checker's cache. */
static const char GITIGNORE[] = "/public/\n/.public.nfsite/\n/.nfsite-cache/\n";

static const struct {
	const char *path;
	const char *text;
} files[] = {
	{"site.lua", SITE_LUA},
	{"content/_index.md", HOME_MD},
	{"content/docs/getting-started.md", DOCS_MD},
	{".gitignore", GITIGNORE},
};

#define NFILES (sizeof files / sizeof files[0])

static const struct opt init_options[] = {{NULL, NULL, NULL, NULL, 0}};

const struct opts_spec init_spec = {
	"init",
	"usage: nfsite init [DIR]\n",
	"Writes a minimal site into DIR (default .; made when missing): a commented\n"
	"site.lua listing every setting at its default, content/_index.md,\n"
	"content/docs/getting-started.md and a .gitignore for the output and caches.\n"
	"Refuses to overwrite any file; `nfsite build` in DIR then builds it.\n",
	init_options,
	NULL,
};

int cmd_init(int argc, char **argv)
{
	const char *dir = NULL, *v;
	int c, i = 1;
	while ((c = opts_next(&init_spec, argc, argv, &i, &v)) != OPTS_END) {
		if (c != OPTS_ARG || dir)
			return opts_usage(&init_spec);
		dir = v;
	}
	if (!dir)
		dir = ".";
	if (fs_exists(dir) && !fs_is_dir(dir)) {
		error_at(dir, 0, "exists and is not a folder");
		return EXIT_CONTENT;
	}
	/* All or nothing: a file already there is the user's, so nothing is written. */
	char *path[NFILES];
	int rc = 0;
	for (size_t i = 0; i < NFILES; i++) {
		path[i] = xasprintf("%s/%s", dir, files[i].path);
		if (fs_exists(path[i]))
			rc = error_at(path[i], 0, "already exists; not overwriting it (nfsite init writes nothing)");
	}
	for (size_t i = 0; i < NFILES && rc == 0; i++)
		rc = fs_write_atomic(path[i], files[i].text, strlen(files[i].text));
	if (rc == 0)
		printf("new site in %s: `nfsite serve` previews it, `nfsite build` writes it into %s/public\n", dir,
		       dir);
	for (size_t i = 0; i < NFILES; i++)
		free(path[i]);
	return rc == 0 ? 0 : EXIT_CONTENT;
}
