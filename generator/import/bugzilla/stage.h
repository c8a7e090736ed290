/* stage: the staging model of a Bugzilla import. The three readers (db.c, xml.c,
 * rest.c) depend on this header and base/ alone: they feed one staging area through the
 * bz_stage_* calls below. The stage decides what is private, counts every item (read =
 * written + withheld + skipped), and at the end the driver writes the archive from it in
 * a canonical order, so the same tracker read from any source gives the same rows.
 *
 * Rules the readers follow:
 *   - times are handed over as UTC "YYYY-MM-DDTHH:MM:SSZ" (bz_time_* below convert);
 *   - people are named by a source key ("id:7" from the DB, the login from XML/REST)
 *     and registered once with bz_stage_person(); no e-mail address reaches the archive;
 *   - a bug is staged (bz_stage_bug) before its comments, attachments and history;
 *   - comment text is the user's own part: readers of displayed text (XML, REST) undo
 *     Bugzilla's rendering of comment types 1, 2, 5, 6 with bz_comment_unrender(). */
#ifndef NFSITE_BUGZILLA_STAGE_H
#define NFSITE_BUGZILLA_STAGE_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

struct bz_stage; /* opaque */

struct bz_opts {
	const char *timezone;  /* zone of the DB's wall-clock times (DB reader only) */
	size_t max_attachment; /* bytes; larger attachments become placeholders */
	const char *ids;       /* REST: "1-25,30" or NULL to page through every bug */
	const char *api_key;   /* REST: sent as X-BUGZILLA-API-KEY, may be NULL */
	long retry_wait_ms;    /* REST: first back-off delay */
	int retries;           /* REST: attempts after the first on 429/5xx */
};

struct bz_bug {
	const char *id;       /* as read; must be a positive decimal number */
	bool restricted;      /* in a group (bug_group_map, <group>, "groups") */
	const char *alias, *summary, *classification, *product, *component, *version;
	const char *platform, *op_sys, *status, *resolution, *severity, *priority;
	const char *milestone, *whiteboard, *url, *keywords; /* keywords: "a, b" any order */
	const char *reporter, *assignee, *qa_contact;        /* person keys, may be NULL */
	const char *created, *changed;                       /* UTC */
	long cc_count;
	long dup_of;                                         /* 0 = none */
	int line;                                            /* source line, 0 if none */
};

struct bz_comment {
	long bug_id;
	long number;       /* 0 = description; gaps where private comments were */
	const char *author; /* person key */
	const char *time;
	int type;           /* Bugzilla's longdescs.type */
	const char *extra;  /* longdescs.extra_data, may be NULL */
	const char *text;   /* user's part, may hold NUL bytes or bad UTF-8 */
	size_t text_len;
	bool is_private;
	int line;
};

struct bz_attachment {
	const char *id;
	long bug_id;
	const char *filename, *description, *mime;
	bool is_patch, is_obsolete, is_private;
	const char *creator;
	const char *created, *modified;
	size_t size;        /* real size in bytes (also when data is withheld) */
	const char *data;   /* NULL when missing */
	size_t data_len;
	const char *missing; /* reason the data is a placeholder ("larger than …"), or NULL */
	const char *invalid; /* reason to skip the whole attachment, or NULL */
	int line;
};

struct bz_change {
	long bug_id;
	const char *author, *time;
	const char *field; /* Bugzilla's fielddefs.name (bug_status, dependson, cc…) */
	const char *removed, *added;
	long attach_id;    /* 0 = none */
};

/* The stage lives in a private temporary SQLite database. */
struct bz_stage *bz_stage_new(const char *source, const struct bz_opts *opts);
void bz_stage_free(struct bz_stage *st);
const struct bz_opts *bz_stage_opts(const struct bz_stage *st);

/* Registers a person once per key; later calls with the same key are ignored unless the
 * first had no real name. login may be NULL or a bare local part. */
int bz_stage_person(struct bz_stage *st, const char *key, const char *login, const char *realname);
/* Display name for a login as it appears in history values (cc, assigned_to): the real
 * name of a known person, else the part before '@'. Appends to out. */
void bz_stage_login_name(struct bz_stage *st, const char *login, struct buf *out);
/* Each returns 0 when the item was staged, withheld or skipped (counted), -1 on a
 * stage failure (reported). src names the input for skip messages. */
int bz_stage_bug(struct bz_stage *st, const char *src, const struct bz_bug *b);
int bz_stage_dependency(struct bz_stage *st, long blocked, long dependson);
int bz_stage_see_also(struct bz_stage *st, long bug_id, const char *url);
int bz_stage_comment(struct bz_stage *st, const char *src, const struct bz_comment *c);
int bz_stage_attachment(struct bz_stage *st, const char *src, const struct bz_attachment *a);
int bz_stage_change(struct bz_stage *st, const struct bz_change *c);
/* Counts an item that could not be read at all. kind: "bug", "comment", "attachment". */
void bz_stage_skip(struct bz_stage *st, const char *src, int line, const char *kind,
		   const char *id, const char *reason);
/* Withholds a bug staged as public after all (an export that names its group late):
 * its staged comments, attachments and history move to the withheld counts. */
int bz_stage_withhold_bug(struct bz_stage *st, long bug_id);
/* True when the bug was staged as public (false: unknown, restricted or skipped). */
bool bz_stage_has_bug(struct bz_stage *st, long bug_id);
/* Marks the archive as carrying activity history (the XML export has none). */
void bz_stage_set_history(struct bz_stage *st, bool has_history);

/* Helpers shared by the readers (decode.c). */
/* "YYYY-MM-DD HH:MM:SS" wall-clock in zone tz → UTC; -1 when malformed. */
int bz_time_local(const char *s, const char *tz, struct buf *out);
/* "YYYY-MM-DD HH:MM:SS +HHMM" (XML) or "YYYY-MM-DDTHH:MM:SSZ" (REST) → UTC. */
int bz_time_offset(const char *s, struct buf *out);
/* Splits Bugzilla's displayed comment text back into type, extra data and the user's
 * text. attach_id is the comment's attachment (0 if none). Sets *type and appends the
 * extra data to extra and the user's text to body. */
void bz_comment_unrender(const char *text, size_t len, long attach_id, int *type,
			 struct buf *extra, struct buf *body);
/* Decodes base64 incrementally; whitespace is skipped. */
struct bz_b64 {
	unsigned acc;
	int bits, pad;
	bool bad;
};
/* Appends decoded bytes to out (NULL to only count) and returns how many were decoded. */
size_t bz_b64_feed(struct bz_b64 *d, const char *p, size_t len, struct buf *out);
/* True when the input so far ended cleanly. */
bool bz_b64_ok(const struct bz_b64 *d);
/* True when s is a positive decimal number that fits a long; stores it. */
bool bz_parse_id(const char *s, long *out);

#endif
