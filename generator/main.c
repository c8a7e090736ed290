/* main: argument dispatch only. Each command parses its own options in cmd_*.c. */
#include "cmd/cmd.h"
#include "base/version.h"

#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage;
};

static const struct command commands[] = {
	{"init", cmd_init, "start a new site: site.lua, a home page, a docs page, .gitignore",
	 "usage: nfsite init [DIR]\n"
	 "\n"
	 "Writes a minimal site into DIR (default .; made when missing): a commented\n"
	 "site.lua listing every setting at its default, content/_index.md,\n"
	 "content/docs/getting-started.md and a .gitignore for the output and caches.\n"
	 "Refuses to overwrite any file; `nfsite build` in DIR then builds it.\n"},
	{"build", cmd_build, "render the site into the output folder",
	 "usage: nfsite build [--source DIR] [--dest DIR] [--drafts] [--base-url URL] [--broken-links error|warn]\n"
	 "                   [-j N] [-q]\n"
	 "\n"
	 "  --source DIR    site folder holding content/, site.lua, templates/ (default .)\n"
	 "  --dest DIR      output folder (default SOURCE/public)\n"
	 "  --drafts        include pages with draft: true\n"
	 "  --base-url URL  override base_url from site.lua\n"
	 "  --broken-links error|warn\n"
	 "                  links to missing pages and #anchors fail the build (error), or are\n"
	 "                  warnings and the build goes on (warn); overrides site.lua's links\n"
	 "  -j N            worker threads (default: number of cores)\n"
	 "  -q              print errors only\n"
	 "\n"
	 "The previous output stays untouched when the build fails.\n"},
	{"new", cmd_new, "create a page with its front matter filled in",
	 "usage: nfsite new [--source DIR] [--title T] PATH.md\n"
	 "\n"
	 "Creates PATH.md (relative to the content folder unless it starts with content/)\n"
	 "with title, date and draft: true. Refuses to overwrite an existing file. A draft\n"
	 "is left out of builds until draft: false (--drafts builds it now).\n"
	 "\n"
	 "  --source DIR    site folder (default .)\n"
	 "  --title T       the page's title (default: from the file name)\n"},
	{"serve", cmd_serve, "preview the site locally with live reload",
	 "usage: nfsite serve [--source DIR] [--bind ADDR] [--port N] [--drafts] [--open]\n"
	 "\n"
	 "  --bind ADDR     address to listen on (default 127.0.0.1)\n"
	 "  --port N        port (default 1313)\n"
	 "  --drafts        include drafts\n"
	 "  --open          open the site in a browser\n"},
	{"check", cmd_check, "check internal (and external) links of the built site",
	 "usage: nfsite check [--source DIR] [--dest DIR] [--external] [--cache FILE] [--timeout S] [--jobs N]\n"
	 "                    [--max-age AGE] [--base-url URL] [--skip PREFIX]... [--drafts]\n"
	 "\n"
	 "  --source DIR    site folder (default .); with no --dest it is built into a temporary folder\n"
	 "  --dest DIR      check an already built folder instead\n"
	 "  --external      also check external links (libcurl, at most 2 connections per host)\n"
	 "  --cache FILE    external results cache (default SOURCE/.nfsite-cache/links.sqlite)\n"
	 "  --max-age AGE   reuse cached results younger than AGE (e.g. 30m, 24h, 7d; default 24h)\n"
	 "  --timeout S     seconds per external request (default 10)\n"
	 "  --jobs N        parallel external requests (default 8)\n"
	 "  --base-url URL  absolute links under URL count as internal (default: from sitemap.xml)\n"
	 "  --skip PREFIX   links under PREFIX are served by the host, not the site (also site.lua check.skip)\n"
	 "  --drafts        build drafts too\n"},
	{"import", cmd_import, "import the legacy wiki or bug tracker",
	 "usage: nfsite import mediawiki (--db FILE | --xml FILE[.gz] | --api URL) [OPTIONS]\n"
	 "       nfsite import bugzilla (--db FILE | --xml FILE | --rest URL) [OPTIONS]\n"
	 "\n"
	 "mediawiki: the wiki's pages become Markdown pages, plus redirect maps for old URLs\n"
	 "  --db FILE               MediaWiki's SQLite database\n"
	 "  --xml FILE[.gz]         an XML export (Special:Export or dumpBackup.php)\n"
	 "  --api URL               a live wiki's api.php, read politely\n"
	 "  --out DIR               folder for the pages (default content/wiki); an existing\n"
	 "                          one must be empty or hold pages an import wrote\n"
	 "  --url-prefix PATH       the pages' URL on the new site (default: from --out, else /wiki)\n"
	 "  --old-url-prefix URL    the old wiki's address (where index.php lives), for redirects\n"
	 "                          and banners; required with --db (default: from the export's\n"
	 "                          <siteinfo><base>, or the folder of the --api URL)\n"
	 "  --namespaces LIST       namespaces to import, by name or number, or all\n"
	 "                          (default: pages, talk, user, project, help, category)\n"
	 "  --project-name NAME     name of the project namespace (default: guessed)\n"
	 "  --redirects BASE        redirect maps written as BASE.* (default: beside the site)\n"
	 "  --site FILE             site.lua whose wiki_templates map templates (default ./site.lua)\n"
	 "  --force                 overwrite pages edited by hand since the last import\n"
	 "  --allow-empty           import even when the source holds no page\n"
	 "  --report FILE           JSON report: pages read, written, skipped and why\n"
	 "  --delay MS              API: pause between requests (default 500)\n"
	 "  --retries N             API: retries per request (default 5)\n"
	 "  --backoff MS            API: first retry wait, doubling (default 1000)\n"
	 "  --batch N               API: pages per revisions request, 1-50 (default 50)\n"
	 "  --timeout S             API: seconds per request (default 60)\n"
	 "  --no-history            API: skip each page's history (contributor counts)\n"
	 "\n"
	 "bugzilla: the bugs become an archive database that the build renders under /bugs/\n"
	 "  --db FILE               Bugzilla's SQLite database\n"
	 "  --xml FILE              show_bug.cgi?ctype=xml output\n"
	 "  --rest URL              a live Bugzilla's REST API (rest.cgi)\n"
	 "  --out FILE              archive database (default data/bugzilla.sqlite); an\n"
	 "                          existing file is replaced only when nfsite wrote it\n"
	 "  --report FILE           JSON report: bugs, comments, attachments read and skipped\n"
	 "  --timezone TZ           zone of the database's times (default UTC)\n"
	 "  --max-attachment BYTES  larger attachments are stored as placeholders (default 10M)\n"
	 "  --ids LIST              REST: bug ids such as 1-25,30 (default: all bugs)\n"
	 "  --api-key KEY           REST: API key (default: $BUGZILLA_API_KEY)\n"
	 "  --retries N             REST: retries per request (default 5)\n"
	 "  --retry-wait MS         REST: first retry wait (default 1000)\n"
	 "  --allow-empty           write the archive even when the source holds no bug\n"
	 "  -q, --quiet             print errors only\n"},
	{"wikitext", cmd_wikitext, "convert wikitext on stdin to Markdown or HTML on stdout",
	 "usage: nfsite wikitext [--to markdown|html] [--db FILE | --xml FILE] [--title T] [--site-name NAME] < in > out\n"
	 "\n"
	 "  --to FORMAT       markdown (default) or html (rendered as a page body)\n"
	 "  --db FILE         a MediaWiki SQLite database: templates and link targets\n"
	 "  --xml FILE        a MediaWiki XML export: templates and link targets\n"
	 "  --title T         the page's title, for magic words and the pipe trick\n"
	 "  --site-name NAME  the wiki's name ({{SITENAME}}, the project namespace)\n"},
	{NULL, NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fputs("usage: nfsite COMMAND [OPTIONS]\n\n"
	      "nfsite builds a static site from Markdown pages, Lua templates and site.lua.\n"
	      "Start one with `nfsite init DIR`.\n\n"
	      "commands:\n", out);
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fputs("\n  nfsite help COMMAND   options of one command\n"
	      "  nfsite --version      print the version\n", out);
}

static const struct command *find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* Lets every command answer --help / -h with its own usage text. */
static int main_command_usage(const char *name, FILE *out)
{
	const struct command *c = find(name);
	if (!c)
		return -1;
	fputs(c->usage, out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("nfsite %s\n", NFSITE_VERSION);
		return 0;
	}
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		if (main_command_usage(argv[2], stdout) < 0) {
			fprintf(stderr, "nfsite: unknown command '%s'\n", argv[2]);
			return EXIT_USAGE;
		}
		return 0;
	}
	const struct command *c = find(name);
	if (!c) {
		fprintf(stderr, "nfsite: unknown command '%s' (see nfsite --help)\n", name);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(c->usage, stdout);
			return 0;
		}
	return c->run(argc - 1, argv + 1);
}
