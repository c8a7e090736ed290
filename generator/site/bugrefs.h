/* bugrefs: the bug archive's cross-reference tables as site/bugpages.c loads them once
 * (which bugs, attachments, people and products exist) and site/bugurls.c reads them
 * for the old URLs. Private to those two files. */
#ifndef NFSITE_BUGREFS_H
#define NFSITE_BUGREFS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

struct buf;
struct bugpages_sink;

struct bug_ref {
	long id;
	char *summary, *status, *resolution, *product, *component, *changed, *alias;
};

struct att_ref {
	long id, bug_id;
	char *file;        /* safe output name */
	char *type;        /* Content-Type to force when file is off the inert list, else NULL */
	char *description;
	bool present;      /* data stored */
};

struct product {
	char *name, *slug;
	char **components, **comp_slugs;
	size_t ncomponents;
};

struct bug_archive {
	sqlite3 *db;
	const char *path;
	const struct bugpages_sink *sink;
	struct bug_ref *bugs;
	size_t nbugs;
	struct att_ref *atts;
	size_t natts;
	char **people;     /* people[id], NULL where absent */
	size_t npeople;
	struct product *products;
	size_t nproducts;
	bool has_history;
	/* per bug: its public comment numbers */
	long *cnums;
	size_t ncnums;
};


/* The attachment extensions served as they are, each with its inert type. */
struct bug_inert_type {
	const char *ext, *type;
};
extern const struct bug_inert_type bug_inert_types[];
extern const size_t bug_ninert;

/* "/bugs/attachments/ID/NAME" of an attachment's file. */
void bugrefs_attachment_url(struct buf *b, const struct att_ref *a);
/* site/bugurls.c: show_bug.cgi, attachment.cgi and buglist.cgi forwarders, and the nginx
 * and Apache redirect maps with the attachments' headers. */
int bugurls_forwarders(struct bug_archive *r);
int bugurls_redirect_maps(struct bug_archive *r);

#endif
