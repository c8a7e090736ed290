/* rest: reads the REST API (/rest/bug, /comment, /attachment, /history) through libcurl, with paging and back-off; JSON is read with SQLite's json1 into the import stage (see stage.h). */
#ifndef NFSITE_BUGZILLA_REST_H
#define NFSITE_BUGZILLA_REST_H

struct bz_stage;

/* Returns 0, or -1 after reporting; nothing is written unless the caller finishes. */
int bugzilla_rest_read(struct bz_stage *st, const char *base_url);

#endif
