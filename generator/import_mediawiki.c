/* import_mediawiki: placeholder until the importer lands (the lookup API answers
 * "not found" so cmd_wikitext can already be wired against it). */
#include "import_mediawiki.h"
#include "cmd.h"
#include "log.h"

#include <stdio.h>

int import_mediawiki_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("nfsite import mediawiki: not available in this build yet\n", stderr);
	return EXIT_USAGE;
}

int mw_wiki_open(const char *path, bool is_xml, struct mw_wiki **out)
{
	(void)is_xml;
	*out = NULL;
	return error_at(path, 0, "reading a wiki source is not available in this build yet");
}

int mw_wiki_template(void *wiki, const char *name, struct buf *out)
{
	(void)wiki; (void)name; (void)out;
	return 0;
}

int mw_wiki_link_target(void *wiki, const char *title, struct buf *url)
{
	(void)wiki; (void)title; (void)url;
	return 0;
}

void mw_wiki_free(struct mw_wiki *w)
{
	(void)w;
}
