/* report: the import report (JSON) and the check that every count adds up. */
#include "import/bugzilla/internal.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"

static void report_counts(struct buf *b, const char *name, const struct bz_counts *c, bool last)
{
	buf_printf(b, "  \"%s\": {\"read\": %zu, \"written\": %zu, \"withheld\": %zu, \"skipped\": %zu}%s\n",
		   name, c->read, c->written, c->withheld, c->skipped, last ? "" : ",");
}

static bool sums_hold(const struct bz_counts *c)
{
	return c->read == c->written + c->withheld + c->skipped;
}

bool bz_counts_hold(const struct bz_stage *st)
{
	return sums_hold(&st->bugs) && sums_hold(&st->comments) && sums_hold(&st->attachments) &&
	       sums_hold(&st->history);
}

int bz_write_report(struct bz_stage *st, const char *path, const char *out_path)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\n  \"source\": ");
	json_cstring(st->json, &b, st->source);
	buf_puts(&b, ",\n  \"archive\": ");
	json_cstring(st->json, &b, out_path);
	buf_puts(&b, ",\n");
	report_counts(&b, "bugs", &st->bugs, false);
	report_counts(&b, "comments", &st->comments, false);
	report_counts(&b, "attachments", &st->attachments, false);
	report_counts(&b, "history", &st->history, false);
	buf_printf(&b, "  \"attachment_placeholders\": %zu,\n  \"texts_repaired\": %zu,\n"
		   "  \"has_history\": %s,\n  \"skipped\": [%s\n  ],\n  \"placeholders\": [%s\n  ]\n}\n",
		   st->placeholders, st->cleaned, st->has_history ? "true" : "false", st->skips.data,
		   st->holders.data);
	int rc = fs_write_atomic(path, b.data, b.len);
	buf_release(&b);
	return rc;
}
