/* import_mediawiki: reads a MediaWiki (its SQLite database, an XML export, or api.php)
 * and writes Markdown pages, redirect aliases, a redirect map and a report. */
#ifndef NFSITE_IMPORT_MEDIAWIKI_H
#define NFSITE_IMPORT_MEDIAWIKI_H

/* `nfsite import mediawiki …` with argv[0] == "mediawiki". Returns an exit status. */
int import_mediawiki_main(int argc, char **argv);

#endif
