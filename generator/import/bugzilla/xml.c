/* xml: reads show_bug.cgi?ctype=xml exports into the import stage.
 *
 * libxml2's SAX2 push parser, fed 64 KiB at a time: an xmlTextReader would hand over
 * each text node whole, so one 50 MB attachment would sit in memory as 67 MB of base64
 * (and need XML_PARSE_HUGE). SAX delivers text in small pieces; <data> is decoded as it
 * arrives and kept only up to --max-attachment, then merely counted.
 *
 * Safety: no DTD is loaded (the DOCTYPE points at bugzilla.dtd on the tracker), no
 * network, no entity is ever expanded (no entity handlers are installed).
 *
 *   <bugzilla> ─ <bug> ─ fields … ─┬─ <long_desc> … </long_desc> ─┬─ </bug>
 *                                  └─ <attachment> … <data> ──────┘
 * The bug is staged when its first comment or attachment starts (or at </bug>). */
#include "import/bugzilla/xml.h"
#include "base/buf.h"
#include "import/bugzilla/stage.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TEXT (64u * 1024 * 1024)

enum { F_BUG_ID, F_CREATED, F_SUMMARY, F_CHANGED, F_CLASSIFICATION, F_PRODUCT, F_COMPONENT,
       F_VERSION, F_PLATFORM, F_OPSYS, F_STATUS, F_RESOLUTION, F_DUP, F_URL, F_WHITEBOARD,
       F_PRIORITY, F_SEVERITY, F_MILESTONE, F_REPORTER, F_ASSIGNEE, F_QA, F_NFIELDS };

static const char *const bug_fields[F_NFIELDS] = {
	"bug_id", "creation_ts", "short_desc", "delta_ts", "classification", "product", "component",
	"version", "rep_platform", "op_sys", "bug_status", "resolution", "dup_id", "bug_file_loc",
	"status_whiteboard", "priority", "bug_severity", "target_milestone", "reporter",
	"assigned_to", "qa_contact",
};

enum { A_ID, A_DATE, A_DELTA, A_DESC, A_FILENAME, A_TYPE, A_SIZE, A_ATTACHER, A_NFIELDS };
static const char *const att_fields[A_NFIELDS] = {
	"attachid", "date", "delta_ts", "desc", "filename", "type", "size", "attacher",
};

enum { C_ID, C_COUNT, C_ATTACHID, C_WHO, C_WHEN, C_TEXT, C_NFIELDS };
static const char *const comment_fields[C_NFIELDS] = {
	"commentid", "comment_count", "attachid", "who", "bug_when", "thetext",
};

struct xml_reader {
	struct bz_stage *st;
	const char *path;
	xmlParserCtxtPtr ctxt;
	int failed;          /* a stage error stopped the parser */
	char *xml_error;     /* first parse error */
	int xml_error_line;
	long fed;            /* bytes handed to the parser so far */
	bool error_at_end;   /* the first error came with every byte read: a cut file */

	int depth, bug_depth; /* bug_depth 0: outside a bug */
	int line;
	bool bug_staged, bug_ok, restricted;
	char *bug_error;      /* <bug error="…"> */
	long bug_id;
	struct buf f[F_NFIELDS], names[3], keywords, alias;
	long cc_count;

	bool in_comment, comment_private;
	int comment_line;
	struct buf c[C_NFIELDS], who_name;

	bool in_att, att_private, att_patch, att_obsolete;
	int att_line;
	struct buf a[A_NFIELDS], attacher_name;
	bool in_data, data_seen, data_base64, data_too_big;
	struct bz_b64 dec;
	struct buf data;
	size_t data_len;

	struct buf text; /* the current leaf element's text */
	bool text_too_big;
	struct buf attr_name; /* name="…" of the current person element */
};

/* Calls fn on every buffer of r: the one list init_all and release_all share. */
static void each_buf(struct xml_reader *r, void (*fn)(struct buf *))
{
	for (int i = 0; i < F_NFIELDS; i++)
		fn(&r->f[i]);
	for (int i = 0; i < 3; i++)
		fn(&r->names[i]);
	for (int i = 0; i < C_NFIELDS; i++)
		fn(&r->c[i]);
	for (int i = 0; i < A_NFIELDS; i++)
		fn(&r->a[i]);
	struct buf *rest[] = {&r->keywords, &r->alias, &r->who_name, &r->attacher_name,
	                      &r->data, &r->text, &r->attr_name};
	for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
		fn(rest[i]);
}

static void init_all(struct xml_reader *r)
{
	each_buf(r, buf_init);
}

static void release_all(struct xml_reader *r)
{
	each_buf(r, buf_release);
	free(r->bug_error);
	free(r->xml_error);
}

static void stop(struct xml_reader *r)
{
	r->failed = 1;
	xmlStopParser(r->ctxt);
}

static int index_of(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

static const char *or_null(const struct buf *b)
{
	return b->len ? b->data : NULL;
}

/* Registers a person from an XML user element (login text, name attribute). */
static const char *person(struct xml_reader *r, const struct buf *login, const struct buf *name)
{
	if (!login->len)
		return NULL;
	if (bz_stage_person(r->st, login->data, login->data, name->data) < 0)
		stop(r);
	return login->data;
}

static void stage_bug(struct xml_reader *r)
{
	if (r->bug_staged)
		return;
	r->bug_staged = true;
	const char *id = r->f[F_BUG_ID].data;
	if (r->bug_error) {
		if (!strcmp(r->bug_error, "NotPermitted")) {
			struct bz_bug b = {.id = id, .restricted = true, .line = r->line};
			if (bz_stage_bug(r->st, r->path, &b) < 0)
				stop(r);
		} else {
			char reason[128];
			snprintf(reason, sizeof reason, "the export says %.60s", r->bug_error);
			bz_stage_skip(r->st, r->path, r->line, "bug", id, reason);
		}
		return;
	}
	r->bug_ok = bz_parse_id(id, &r->bug_id);
	struct buf created = BUF_INIT, changed = BUF_INIT;
	bz_time_offset(r->f[F_CREATED].data, &created);
	bz_time_offset(r->f[F_CHANGED].data, &changed);
	long dup = 0;
	bz_parse_id(r->f[F_DUP].data, &dup);
	struct bz_bug b = {
		.id = id, .restricted = r->restricted, .alias = r->alias.data,
		.summary = r->f[F_SUMMARY].data, .classification = r->f[F_CLASSIFICATION].data,
		.product = r->f[F_PRODUCT].data, .component = r->f[F_COMPONENT].data,
		.version = r->f[F_VERSION].data, .platform = r->f[F_PLATFORM].data,
		.op_sys = r->f[F_OPSYS].data, .status = r->f[F_STATUS].data,
		.resolution = r->f[F_RESOLUTION].data, .severity = r->f[F_SEVERITY].data,
		.priority = r->f[F_PRIORITY].data, .milestone = r->f[F_MILESTONE].data,
		.whiteboard = r->f[F_WHITEBOARD].data, .url = r->f[F_URL].data,
		.keywords = r->keywords.data, .cc_count = r->cc_count, .dup_of = dup,
		.created = or_null(&created), .changed = or_null(&changed), .line = r->line,
	};
	b.reporter = person(r, &r->f[F_REPORTER], &r->names[0]);
	b.assignee = person(r, &r->f[F_ASSIGNEE], &r->names[1]);
	b.qa_contact = person(r, &r->f[F_QA], &r->names[2]);
	if (bz_stage_bug(r->st, r->path, &b) < 0)
		stop(r);
	buf_release(&created);
	buf_release(&changed);
}

static void start_bug(struct xml_reader *r, const char *error)
{
	for (int i = 0; i < F_NFIELDS; i++)
		buf_reset(&r->f[i]);
	for (int i = 0; i < 3; i++)
		buf_reset(&r->names[i]);
	buf_reset(&r->keywords);
	buf_reset(&r->alias);
	free(r->bug_error);
	r->bug_error = error ? xstrdup(error) : NULL;
	r->bug_staged = r->bug_ok = r->restricted = false;
	r->bug_id = 0;
	r->cc_count = 0;
	r->bug_depth = r->depth;
	r->line = (int)xmlSAX2GetLineNumber(r->ctxt);
}

static void end_comment(struct xml_reader *r)
{
	const char *id = r->c[C_ID].data;
	if (!r->bug_ok) {
		if (!r->bug_error)
			bz_stage_skip(r->st, r->path, r->comment_line, "comment", id, "its bug was skipped");
		else
			bz_stage_skip(r->st, r->path, r->comment_line, "comment", id, "its bug was not exported");
		return;
	}
	long number = -1, attach = 0;
	if (!r->c[C_COUNT].len) {
		bz_stage_skip(r->st, r->path, r->comment_line, "comment", id, "no comment_count");
		return;
	}
	char *end;
	number = strtol(r->c[C_COUNT].data, &end, 10);
	if (*end || number < 0) {
		bz_stage_skip(r->st, r->path, r->comment_line, "comment", id, "comment_count is not a number");
		return;
	}
	bz_parse_id(r->c[C_ATTACHID].data, &attach);
	struct buf when = BUF_INIT, extra = BUF_INIT, body = BUF_INIT;
	int type;
	bz_time_offset(r->c[C_WHEN].data, &when);
	bz_comment_unrender(r->c[C_TEXT].data, r->c[C_TEXT].len, attach, &type, &extra, &body);
	struct bz_comment c = {
		.bug_id = r->bug_id, .number = number,
		.author = person(r, &r->c[C_WHO], &r->who_name), .time = or_null(&when),
		.type = type, .extra = or_null(&extra), .text = body.data, .text_len = body.len,
		.is_private = r->comment_private, .line = r->comment_line,
	};
	if (bz_stage_comment(r->st, r->path, &c) < 0)
		stop(r);
	buf_release(&when);
	buf_release(&extra);
	buf_release(&body);
}

static void end_attachment(struct xml_reader *r)
{
	const char *id = r->a[A_ID].data;
	if (!r->bug_ok) {
		bz_stage_skip(r->st, r->path, r->att_line, "attachment", id,
			      r->bug_error ? "its bug was not exported" : "its bug was skipped");
		return;
	}
	size_t cap = bz_stage_opts(r->st)->max_attachment;
	struct buf created = BUF_INIT, modified = BUF_INIT, missing = BUF_INIT;
	bz_time_offset(r->a[A_DATE].data, &created);
	bz_time_offset(r->a[A_DELTA].data, &modified);
	const char *invalid = NULL;
	size_t size = (size_t)strtoull(r->a[A_SIZE].data, NULL, 10);
	if (r->data_seen) {
		if (r->data_base64 && !bz_b64_ok(&r->dec))
			invalid = "invalid base64 data";
		size = r->data_len;
		if (r->data_too_big)
			buf_printf(&missing, "larger than %zu bytes (%zu bytes)", cap, r->data_len);
	} else {
		buf_puts(&missing, "no data in the export");
	}
	struct bz_attachment a = {
		.id = id, .bug_id = r->bug_id, .filename = r->a[A_FILENAME].data,
		.description = r->a[A_DESC].data, .mime = or_null(&r->a[A_TYPE]),
		.is_patch = r->att_patch, .is_obsolete = r->att_obsolete, .is_private = r->att_private,
		.creator = person(r, &r->a[A_ATTACHER], &r->attacher_name),
		.created = or_null(&created), .modified = or_null(&modified), .size = size,
		.data = r->data.data, .data_len = r->data.len, .missing = or_null(&missing),
		.invalid = invalid, .line = r->att_line,
	};
	if (bz_stage_attachment(r->st, r->path, &a) < 0)
		stop(r);
	buf_release(&created);
	buf_release(&modified);
	buf_release(&missing);
	buf_release(&r->data);
}

/* Copies attribute `name` (SAX2 5-tuples) into out; returns whether it was there. */
static bool attr(const xmlChar **attrs, int n, const char *name, struct buf *out)
{
	buf_reset(out);
	for (int i = 0; i < n; i++) {
		const xmlChar **a = attrs + 5 * i;
		if (!strcmp((const char *)a[0], name)) {
			/* without entity substitution, SAX2 hands '&' over as "&#38;" */
			const char *p = (const char *)a[3], *e = (const char *)a[4];
			while (p < e) {
				if (e - p >= 5 && !memcmp(p, "&#38;", 5)) {
					buf_putc(out, '&');
					p += 5;
				} else {
					buf_putc(out, *p++);
				}
			}
			return true;
		}
	}
	return false;
}

static bool attr_is(const xmlChar **attrs, int n, const char *name, const char *value)
{
	struct buf v = BUF_INIT;
	bool yes = attr(attrs, n, name, &v) && !strcmp(v.data, value);
	buf_release(&v);
	return yes;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
		     int nns, const xmlChar **ns, int nattrs, int ndefaulted, const xmlChar **attrs)
{
	struct xml_reader *r = ctx;
	const char *name = (const char *)localname;
	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndefaulted;
	r->depth++;
	buf_reset(&r->text);
	r->text_too_big = false;
	if (r->failed)
		return;
	if (r->depth == 1 && strcmp(name, "bugzilla")) {
		error_at(r->path, (int)xmlSAX2GetLineNumber(r->ctxt),
			 "not a Bugzilla XML export (the root element is <%s>, not <bugzilla>)", name);
		stop(r);
		return;
	}
	if (!r->bug_depth) {
		if (!strcmp(name, "bug")) {
			struct buf err = BUF_INIT;
			bool has = attr(attrs, nattrs, "error", &err);
			start_bug(r, has ? err.data : NULL);
			buf_release(&err);
		}
		return;
	}
	if (r->depth == r->bug_depth + 1) {
		if (!strcmp(name, "long_desc")) {
			stage_bug(r);
			r->in_comment = true;
			r->comment_private = attr_is(attrs, nattrs, "isprivate", "1");
			r->comment_line = (int)xmlSAX2GetLineNumber(r->ctxt);
			for (int i = 0; i < C_NFIELDS; i++)
				buf_reset(&r->c[i]);
			buf_reset(&r->who_name);
		} else if (!strcmp(name, "attachment")) {
			stage_bug(r);
			r->in_att = true;
			r->att_private = attr_is(attrs, nattrs, "isprivate", "1");
			r->att_patch = attr_is(attrs, nattrs, "ispatch", "1");
			r->att_obsolete = attr_is(attrs, nattrs, "isobsolete", "1");
			r->att_line = (int)xmlSAX2GetLineNumber(r->ctxt);
			for (int i = 0; i < A_NFIELDS; i++)
				buf_reset(&r->a[i]);
			buf_reset(&r->attacher_name);
			r->data_seen = r->data_too_big = false;
			r->data_len = 0;
			buf_release(&r->data);
		} else if (!strcmp(name, "reporter") || !strcmp(name, "assigned_to") ||
			   !strcmp(name, "qa_contact")) {
			attr(attrs, nattrs, "name", &r->attr_name);
		}
		return;
	}
	if (r->in_comment && r->depth == r->bug_depth + 2 && !strcmp(name, "who")) {
		attr(attrs, nattrs, "name", &r->who_name);
	} else if (r->in_att && r->depth == r->bug_depth + 2) {
		if (!strcmp(name, "attacher")) {
			attr(attrs, nattrs, "name", &r->attacher_name);
		} else if (!strcmp(name, "data")) {
			r->in_data = r->data_seen = true;
			r->data_base64 = attr_is(attrs, nattrs, "encoding", "base64");
			memset(&r->dec, 0, sizeof r->dec);
		}
	}
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
	struct xml_reader *r = ctx;
	if (r->failed || !r->bug_depth)
		return;
	if (r->in_data) {
		size_t cap = bz_stage_opts(r->st)->max_attachment;
		struct buf *out = r->data_too_big ? NULL : &r->data;
		if (r->data_base64) {
			r->data_len += bz_b64_feed(&r->dec, (const char *)ch, (size_t)len, out);
		} else {
			if (out)
				buf_add(out, (const char *)ch, (size_t)len);
			r->data_len += (size_t)len;
		}
		if (!r->data_too_big && r->data_len > cap) {
			r->data_too_big = true;
			buf_release(&r->data);
		}
		return;
	}
	if (r->text.len + (size_t)len > MAX_TEXT) {
		r->text_too_big = true;
		return;
	}
	buf_add(&r->text, (const char *)ch, (size_t)len);
}

static void end_field(struct xml_reader *r, const char *name)
{
	int i;
	if (r->text_too_big) {
		error_at(r->path, (int)xmlSAX2GetLineNumber(r->ctxt), "<%s> is longer than %u bytes", name, MAX_TEXT);
		stop(r);
		return;
	}
	if (!strcmp(name, "keywords")) {
		if (r->keywords.len)
			buf_puts(&r->keywords, ", ");
		buf_add(&r->keywords, r->text.data, r->text.len);
	} else if (!strcmp(name, "alias")) {
		if (r->alias.len)
			buf_puts(&r->alias, ", ");
		buf_add(&r->alias, r->text.data, r->text.len);
	} else if (!strcmp(name, "cc")) {
		r->cc_count++;
	} else if (!strcmp(name, "group")) {
		r->restricted = true;
	} else if (!strcmp(name, "dependson") || !strcmp(name, "blocked") || !strcmp(name, "see_also")) {
		long self, other;
		if (!bz_parse_id(r->f[F_BUG_ID].data, &self))
			return;
		int rc = 0;
		if (name[0] == 's')
			rc = bz_stage_see_also(r->st, self, r->text.data);
		else if (bz_parse_id(r->text.data, &other))
			rc = name[0] == 'd' ? bz_stage_dependency(r->st, self, other)
					    : bz_stage_dependency(r->st, other, self);
		if (rc < 0)
			stop(r);
	} else if ((i = index_of(bug_fields, F_NFIELDS, name)) >= 0) {
		buf_reset(&r->f[i]);
		buf_add(&r->f[i], r->text.data, r->text.len);
		if (i >= F_REPORTER) {
			buf_reset(&r->names[i - F_REPORTER]);
			buf_add(&r->names[i - F_REPORTER], r->attr_name.data, r->attr_name.len);
		}
	}
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	struct xml_reader *r = ctx;
	const char *name = (const char *)localname;
	(void)prefix, (void)uri;
	int depth = r->depth--;
	if (r->failed || !r->bug_depth)
		return;
	int i;
	if (depth == r->bug_depth) {
		stage_bug(r);
		/* a <group> after the first comment: withdraw what was staged */
		if (r->restricted && r->bug_ok && bz_stage_withhold_bug(r->st, r->bug_id) < 0)
			stop(r);
		r->bug_depth = 0;
	} else if (depth == r->bug_depth + 1) {
		if (r->in_comment && !strcmp(name, "long_desc")) {
			r->in_comment = false;
			end_comment(r);
		} else if (r->in_att && !strcmp(name, "attachment")) {
			r->in_att = false;
			end_attachment(r);
		} else {
			end_field(r, name);
		}
	} else if (depth == r->bug_depth + 2) {
		if (r->text_too_big) {
			error_at(r->path, (int)xmlSAX2GetLineNumber(r->ctxt), "<%s> is longer than %u bytes",
				 name, MAX_TEXT);
			stop(r);
		} else if (r->in_comment && (i = index_of(comment_fields, C_NFIELDS, name)) >= 0) {
			buf_reset(&r->c[i]);
			buf_add(&r->c[i], r->text.data, r->text.len);
		} else if (r->in_att && !strcmp(name, "data")) {
			r->in_data = false;
		} else if (r->in_att && (i = index_of(att_fields, A_NFIELDS, name)) >= 0) {
			buf_reset(&r->a[i]);
			buf_add(&r->a[i], r->text.data, r->text.len);
		}
	}
	buf_reset(&r->text);
}

static void on_error(void *ctx, xmlErrorPtr err)
{
	struct xml_reader *r = ctx;
	if (!err || err->level < XML_ERR_ERROR || r->xml_error)
		return;
	struct buf m = BUF_INIT;
	buf_puts(&m, err->message ? err->message : "parse error");
	while (m.len && (m.data[m.len - 1] == '\n' || m.data[m.len - 1] == ' '))
		buf_truncate(&m, m.len - 1);
	for (char *nl = strchr(m.data, '\n'); nl; nl = strchr(nl, '\n'))
		*nl = ' '; /* one line: "not proper UTF-8 … Bytes: 0xFF …" */
	r->xml_error = buf_detach(&m, NULL);
	r->xml_error_line = err->line;
	r->error_at_end = xmlByteConsumed(r->ctxt) >= r->fed;
}

int bugzilla_xml_read(struct bz_stage *st, const char *path)
{
	struct xml_reader r = {.st = st, .path = path};
	int rc = -1;
	init_all(&r);
	char chunk[65536];
	xmlSAXHandler sax;
	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.serror = on_error;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		release_all(&r);
		return error_at(path, 0, "cannot read: %s", strerror(errno));
	}
	r.ctxt = xmlCreatePushParserCtxt(&sax, &r, NULL, 0, path);
	if (!r.ctxt) {
		error_at(path, 0, "cannot create an XML parser");
		goto out;
	}
	xmlCtxtUseOptions(r.ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	bz_stage_set_history(st, false);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_at(path, 0, "cannot read: %s", strerror(errno));
			goto out;
		}
		r.fed += n;
		int perr = xmlParseChunk(r.ctxt, chunk, (int)n, n == 0);
		if (r.failed)
			goto out;
		if (perr || !r.ctxt->wellFormed || n == 0)
			break;
	}
	/* Cut short, libxml2 says what it expected next ("Extra content at the end of the
	 * document" for a cut inside an element): the end of the file is the news. */
	if (r.xml_error ? r.error_at_end : r.depth > 0) {
		error_at(path, r.xml_error ? r.xml_error_line : (int)xmlSAX2GetLineNumber(r.ctxt),
			 "truncated XML: the file ends before </bugzilla>");
		goto out;
	}
	if (!r.ctxt->wellFormed || r.xml_error) {
		error_at(path, r.xml_error_line, "malformed XML: %s", r.xml_error ? r.xml_error : "parse error");
		goto out;
	}
	rc = 0;
out:
	if (r.ctxt) {
		/* An internal DTD subset makes the SAX parser build a document for its
		 * declarations; the context does not free it. */
		if (r.ctxt->myDoc)
			xmlFreeDoc(r.ctxt->myDoc);
		xmlFreeParserCtxt(r.ctxt);
	}
	close(fd);
	release_all(&r);
	return rc;
}
