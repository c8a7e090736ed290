/* db: reads MediaWiki's own SQLite database (1.35+ slots/content schema, or
 * the older rev_text_id schema) into a struct mw_wiki. Opens the file read-only. */
#ifndef NFSITE_MEDIAWIKI_DB_H
#define NFSITE_MEDIAWIKI_DB_H

struct mw_wiki;

/* Reads every page (latest text, history counts, redirects, display titles) of the
 * database at path. Pages whose text cannot be read are added with their reason.
 * Returns 0, or -1 after one error naming the file (not SQLite, not MediaWiki,
 * tables missing). */
int mediawiki_db_read(struct mw_wiki *w, const char *path);

#endif
