/* xml: streams a MediaWiki XML export (schema 0.10/0.11, Special:Export or
 * dumpBackup.php, plain or .gz) into a struct mw_wiki with libxml2's xmlTextReader:
 * constant memory, no network, no external entities, no DTD loading. */
#ifndef NFSITE_MEDIAWIKI_XML_H
#define NFSITE_MEDIAWIKI_XML_H

struct mw_wiki;

/* Reads the whole dump at path (every revision is counted, the latest kept).
 * Returns 0, or -1 after one `path:line: error: …` (malformed or truncated XML). */
int mediawiki_xml_read(struct mw_wiki *w, const char *path);

#endif
