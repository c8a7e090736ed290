/* redirects: the site's redirect files, NAME.txt files in data/redirects/ (CONFIG.md, "Redirect
 * files"): one old URL and the page it moved to a line, written by hand or by nfsite
 * import mediawiki. The build turns them, with the front matter aliases, into the
 * redirect files of every server and stub pages (site.c). */
#ifndef NFSITE_REDIRECTS_H
#define NFSITE_REDIRECTS_H

#include <stddef.h>

/* The folder of the redirect files, relative to the site folder. */
#define REDIRECTS_SOURCE "data/redirects"

struct redirect {
	const char *file; /* the redirect file, for messages */
	int line;
	char *path;   /* the old path, decoded: "/w/index.php/Main Page" */
	char *param;  /* a query parameter the old URL names ("title"), decoded, or NULL */
	char *value;  /* its value, decoded ('+' is a space) */
	char *target; /* the page's path, decoded: "/wiki/main-page/" */
	char *frag;   /* a #fragment of the target, decoded, or NULL */
};

struct redirects {
	char **files; /* their paths, which each redirect's file points into */
	size_t nfiles, capfiles;
	struct redirect *v;
	size_t n, cap;
};

/* Reads every *.txt in dir (missing: none), in name order. Returns 0, or -1 after
 * reporting `file:line: error: …` for each bad line. */
int redirects_load(const char *dir, struct redirects *out);
void redirects_release(struct redirects *r);

#endif
