/* bugpages: the bug archive rendered into /bugs/ pages.
 *
 * bugpages_render() reads the database once for the cross-references (which bugs,
 * attachments and people exist), then writes, through the build's sink:
 *   /bugs/N/                      one page per bug (kind "bug")
 *   /bugs/                        every bug in a filterable table (kind "bug-index")
 *   /bugs/product/SLUG/[COMP/]    status counts and lists (kinds "bug-product", "bug-component")
 *   bugs/attachments/M/NAME       attachment files
 *   old URLs (forwarders, redirect maps)                 site/bugurls.c
 * Every string from the database is untrusted: it is escaped, and comment text only
 * gains links that we build ourselves (bug N, comment N, attachment N, http(s) URLs). */
#include "archive/archive.h"
#include "site/bugpages.h"
#include "archive/archive.h"
#include "base/buf.h"
#include "base/db.h"
#include "base/highlight.h"
#include "base/log.h"
#include "base/slug.h"
#include "base/utf8.h"
#include "site/bugrefs.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return xstrdup(t ? (const char *)t : "");
}

static const char *col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

static int db_error(struct bug_archive *r)
{
	return error_at(r->path, 0, "cannot read the bug archive: %s", sqlite3_errmsg(r->db));
}

static struct bug_ref *find_bug(const struct bug_archive *r, long id)
{
	size_t lo = 0, hi = r->nbugs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->bugs[mid].id == id)
			return &r->bugs[mid];
		if (r->bugs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct att_ref *find_att(const struct bug_archive *r, long id)
{
	size_t lo = 0, hi = r->natts;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->atts[mid].id == id)
			return &r->atts[mid];
		if (r->atts[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool has_comment(const struct bug_archive *r, long n)
{
	for (size_t i = 0; i < r->ncnums; i++)
		if (r->cnums[i] == n)
			return true;
	return false;
}

static const char *person(const struct bug_archive *r, sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	sqlite3_int64 id = sqlite3_column_int64(s, i);
	if (id <= 0 || (size_t)id >= r->npeople || !r->people[id])
		return "unknown";
	return r->people[id];
}

/* Attachments are served from the site's own origin, so only types that cannot run
 * script there keep their extension (an allow list: a block list missed .xhtm, .phtml,
 * .phar…): raster images (not SVG), PDF, plain text and patches, common archives, packet
 * captures, and .bin, which every other name gets. Each has this inert type in Debian's
 * /etc/mime.types, which Apache uses, so even a server without the generated
 * configuration neither runs nor sniffs them; nginx sends the ones it does not know as
 * application/octet-stream. */
const struct bug_inert_type bug_inert_types[] = {
	{"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"},
	{"webp", "image/webp"}, {"avif", "image/avif"}, {"bmp", "image/bmp"}, {"tif", "image/tiff"},
	{"tiff", "image/tiff"}, {"ico", "image/vnd.microsoft.icon"}, {"pdf", "application/pdf"},
	{"txt", "text/plain"}, {"text", "text/plain"}, {"csv", "text/csv"}, {"diff", "text/x-diff"},
	{"patch", "text/x-diff"}, {"gz", "application/gzip"}, {"tgz", "application/gzip"},
	{"xz", "application/x-xz"}, {"zst", "application/zstd"}, {"zip", "application/zip"},
	{"tar", "application/x-tar"}, {"7z", "application/x-7z-compressed"},
	{"pcap", "application/vnd.tcpdump.pcap"}, {"bin", "application/octet-stream"},
};
const size_t bug_ninert = sizeof bug_inert_types / sizeof bug_inert_types[0];

/* True when the last extension of name is on the list (any case). */
static bool inert_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < bug_ninert; i++)
		if (!strcasecmp(dot + 1, bug_inert_types[i].ext))
			return true;
	return false;
}

/* The Content-Type for an attachment off the list: the archive's record when it is a
 * bare type/subtype of [a-z0-9.+-] that no browser runs or renders as a document (with
 * Content-Disposition: attachment it is only a hint for the download), else bytes.
 * Caller frees. */
static char *served_type(const char *mime)
{
	static const char *const active[] = {"html", "xml", "svg", "script", "css", "x-httpd", "php",
		"flash", "multipart", "message", "wasm", NULL};
	struct buf t = BUF_INIT;
	int slashes = 0;
	for (const char *p = mime; *p && *p != ';' && *p != ' '; p++) {
		char c = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)c) && !strchr("./+-", c))
			goto bytes;
		slashes += c == '/';
		buf_putc(&t, c);
	}
	if (slashes != 1 || t.len > 100 || t.data[0] == '/' || t.data[t.len - 1] == '/')
		goto bytes;
	for (int i = 0; active[i]; i++)
		if (strstr(t.data, active[i]))
			goto bytes;
	return buf_detach(&t, NULL);
bytes:
	buf_release(&t);
	return xstrdup("application/octet-stream");
}

/* A file name safe in a URL and on disk: [A-Za-z0-9._+-], no leading dot, at most
 * 100 bytes, one dot. Apache's mod_mime takes every extension of a name (x.php.png runs
 * as PHP), so inner dots become '_' in every name; a name off the list gets its last dot
 * as '_' too and ".bin"; *listed says which. */
static char *safe_file_name(long id, const char *name, bool *listed)
{
	struct buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)name; *p && b.len < 100; p++) {
		if (isalnum(*p) || *p == '.' || *p == '_' || *p == '-' || *p == '+')
			buf_putc(&b, *p);
		else if (b.len && b.data[b.len - 1] != '_')
			buf_putc(&b, '_');
	}
	size_t lead = 0;
	while (lead < b.len && (b.data[lead] == '.' || b.data[lead] == '_'))
		lead++;
	if (lead) {
		memmove(b.data, b.data + lead, b.len - lead + 1);
		b.len -= lead;
	}
	if (!b.len)
		buf_printf(&b, "attachment-%ld", id);
	*listed = inert_name(b.data);
	char *keep = *listed ? strrchr(b.data, '.') : NULL;
	for (char *p = b.data; *p; p++)
		if (*p == '.' && p != keep)
			*p = '_';
	if (!*listed)
		buf_puts(&b, ".bin");
	return buf_detach(&b, NULL);
}

static int load_refs(struct bug_archive *r)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(r->db, "SELECT coalesce(max(id), 0) FROM people", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW)
		goto fail;
	r->npeople = (size_t)sqlite3_column_int64(s, 0) + 1;
	if (r->npeople > 100000000)
		goto fail;
	r->people = xcalloc(r->npeople, sizeof *r->people);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(r->db, "SELECT id, name FROM people WHERE id > 0", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	while (sqlite3_step(s) == SQLITE_ROW)
		r->people[sqlite3_column_int64(s, 0)] = dup_col(s, 1);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(r->db, "SELECT id, summary, status, resolution, product, component, changed,"
			       " alias FROM bugs ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	size_t cap = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		ALLOC_GROW(r->bugs, r->nbugs + 1, cap);
		struct bug_ref *b = &r->bugs[r->nbugs++];
		b->id = (long)sqlite3_column_int64(s, 0);
		b->summary = dup_col(s, 1);
		b->status = dup_col(s, 2);
		b->resolution = dup_col(s, 3);
		b->product = dup_col(s, 4);
		b->component = dup_col(s, 5);
		b->changed = dup_col(s, 6);
		b->alias = dup_col(s, 7);
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(r->db, "SELECT id, bug_id, filename, mime, description, data IS NOT NULL"
			       " FROM attachments ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	cap = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		ALLOC_GROW(r->atts, r->natts + 1, cap);
		struct att_ref *a = &r->atts[r->natts++];
		a->id = (long)sqlite3_column_int64(s, 0);
		a->bug_id = (long)sqlite3_column_int64(s, 1);
		bool listed;
		a->file = safe_file_name(a->id, col(s, 2), &listed);
		a->type = listed ? NULL : served_type(col(s, 3));
		a->description = dup_col(s, 4);
		a->present = sqlite3_column_int(s, 5) != 0;
	}
	sqlite3_finalize(s);
	/* products and components, slugged (a clash gets a numeric suffix) */
	if (sqlite3_prepare_v2(r->db, "SELECT DISTINCT product, component FROM bugs ORDER BY product, component",
			       -1, &s, NULL) != SQLITE_OK)
		goto fail;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *pn = col(s, 0), *cn = col(s, 1);
		struct product *p = r->nproducts ? &r->products[r->nproducts - 1] : NULL;
		if (!p || strcmp(p->name, pn)) {
			r->products = xrealloc(r->products, (r->nproducts + 1) * sizeof *r->products);
			p = &r->products[r->nproducts++];
			memset(p, 0, sizeof *p);
			p->name = xstrdup(pn);
			struct buf slug = BUF_INIT;
			slug_ascii(pn, strlen(pn), &slug);
			for (int n = 2;; n++) {
				bool clash = false;
				for (size_t i = 0; i + 1 < r->nproducts; i++)
					clash |= !strcmp(r->products[i].slug, slug.data);
				if (!clash)
					break;
				buf_reset(&slug);
				slug_ascii(pn, strlen(pn), &slug);
				buf_printf(&slug, "-%d", n);
			}
			p->slug = buf_detach(&slug, NULL);
		}
		p->components = xrealloc(p->components, (p->ncomponents + 1) * sizeof *p->components);
		p->comp_slugs = xrealloc(p->comp_slugs, (p->ncomponents + 1) * sizeof *p->comp_slugs);
		struct buf slug = BUF_INIT;
		slug_ascii(cn, strlen(cn), &slug);
		for (int n = 2;; n++) {
			bool clash = false;
			for (size_t i = 0; i < p->ncomponents; i++)
				clash |= !strcmp(p->comp_slugs[i], slug.data);
			if (!clash)
				break;
			buf_reset(&slug);
			slug_ascii(cn, strlen(cn), &slug);
			buf_printf(&slug, "-%d", n);
		}
		p->components[p->ncomponents] = xstrdup(cn);
		p->comp_slugs[p->ncomponents++] = buf_detach(&slug, NULL);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key = 'has_history'", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		r->has_history = !strcmp(col(s, 0), "1");
	rc = 0;
fail:
	sqlite3_finalize(s);
	if (rc < 0)
		db_error(r);
	return rc;
}

static void free_refs(struct bug_archive *r)
{
	for (size_t i = 0; i < r->npeople; i++)
		free(r->people[i]);
	free(r->people);
	for (size_t i = 0; i < r->nbugs; i++) {
		struct bug_ref *b = &r->bugs[i];
		free(b->summary), free(b->status), free(b->resolution), free(b->product);
		free(b->component), free(b->changed), free(b->alias);
	}
	free(r->bugs);
	for (size_t i = 0; i < r->natts; i++)
		free(r->atts[i].file), free(r->atts[i].type), free(r->atts[i].description);
	free(r->atts);
	for (size_t i = 0; i < r->nproducts; i++) {
		struct product *p = &r->products[i];
		for (size_t j = 0; j < p->ncomponents; j++)
			free(p->components[j]), free(p->comp_slugs[j]);
		free(p->components), free(p->comp_slugs), free(p->name), free(p->slug);
	}
	free(r->products);
	free(r->cnums);
}

static const struct product *find_product(const struct bug_archive *r, const char *name, const char **comp_slug,
					  const char *component)
{
	for (size_t i = 0; i < r->nproducts; i++) {
		if (strcmp(r->products[i].name, name))
			continue;
		if (comp_slug)
			for (size_t j = 0; j < r->products[i].ncomponents; j++)
				if (!strcmp(r->products[i].components[j], component))
					*comp_slug = r->products[i].comp_slugs[j];
		return &r->products[i];
	}
	return NULL;
}

static void html(struct buf *b, const char *s)
{
	buf_puts_html(b, s ? s : "");
}

/* Untrusted text: made valid UTF-8, addresses cut, escaped. */
static void text_html(struct buf *b, const char *p, size_t n)
{
	struct buf clean = BUF_INIT, hidden = BUF_INIT;
	utf8_sanitize(p, n, &clean);
	archive_hide_emails(clean.data, clean.len, &hidden);
	buf_add_html(b, hidden.data, hidden.len);
	buf_release(&clean);
	buf_release(&hidden);
}

static void time_html(struct buf *b, const char *t)
{
	if (!t || strlen(t) < 16) {
		buf_puts(b, "—");
		return;
	}
	buf_puts(b, "<time datetime=\"");
	html(b, t);
	buf_puts(b, "\">");
	buf_add_html(b, t, 10);
	buf_putc(b, ' ');
	buf_add_html(b, t + 11, 5);
	buf_puts(b, " UTC</time>");
}

static bool is_open(const struct bug_ref *b)
{
	return !*b->resolution && strcmp(b->status, "RESOLVED") && strcmp(b->status, "VERIFIED") &&
	       strcmp(b->status, "CLOSED");
}

static void status_text(struct buf *b, const struct bug_ref *bug)
{
	html(b, bug->status);
	if (*bug->resolution) {
		buf_putc(b, ' ');
		html(b, bug->resolution);
	}
}

/* A link to a bug when it is in the archive, else plain text "bug N". */
static void bug_link(struct buf *b, const struct bug_archive *r, long id, const char *fragment, const char *label)
{
	const struct bug_ref *t = find_bug(r, id);
	if (!t) {
		html(b, label);
		return;
	}
	buf_printf(b, "<a class=\"bug-link%s\" href=\"%s/bugs/%ld/%s\" title=\"", is_open(t) ? "" : " bug-closed", r->sink->base_path,
		   id, fragment ? fragment : "");
	status_text(b, t);
	buf_puts(b, " – ");
	html(b, t->summary);
	buf_puts(b, "\">");
	html(b, label);
	buf_puts(b, "</a>");
}

void bugrefs_attachment_url(struct buf *b, const struct att_ref *a)
{
	buf_printf(b, "/bugs/attachments/%ld/", a->id);
	buf_puts(b, a->file); /* already [A-Za-z0-9._+-] */
}

static bool word_at(const char *p, size_t n, size_t i, const char *w)
{
	size_t m = strlen(w);
	if (i + m > n || strncasecmp(p + i, w, m))
		return false;
	return i == 0 || !isalnum((unsigned char)p[i - 1]);
}

/* After a keyword at i+klen: spaces, an optional '#', digits. Sets *num and returns the
 * end, or 0 when there is no number. */
static size_t number_after(const char *p, size_t n, size_t j, long *num)
{
	while (j < n && (p[j] == ' ' || p[j] == '\t'))
		j++;
	if (j < n && p[j] == '#')
		j++;
	size_t d = j;
	long v = 0;
	while (j < n && isdigit((unsigned char)p[j]) && j - d < 9)
		v = v * 10 + (p[j++] - '0');
	if (j == d || (j < n && isalnum((unsigned char)p[j])))
		return 0;
	*num = v;
	return j;
}

static size_t url_end(const char *p, size_t n, size_t i)
{
	size_t j = i, parens = 0;
	while (j < n) {
		unsigned char c = (unsigned char)p[j];
		if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`' || c == 0x7f)
			break;
		if (c == '(')
			parens++;
		if (c == ')') {
			if (!parens)
				break;
			parens--;
		}
		j++;
	}
	while (j > i && strchr(".,;:!?'*", p[j - 1]))
		j--;
	return j;
}

/* Comment text → HTML with our own links; everything else escaped. */
static void linkify(const struct bug_archive *r, long bug_id, const char *p, size_t n, struct buf *out)
{
	size_t plain = 0, i = 0;
	(void)bug_id;
	while (i < n) {
		size_t end = 0;
		struct buf link = BUF_INIT;
		long num = 0, cnum = 0;
		if ((word_at(p, n, i, "http://") || word_at(p, n, i, "https://"))) {
			size_t s = i + (p[i + 4] == ':' ? 7 : 8);
			end = url_end(p, n, i);
			size_t slash = s;
			while (slash < end && p[slash] != '/')
				slash++;
			if (end > s && !memchr(p + s, '@', slash - s)) {
				buf_puts(&link, "<a class=\"ext\" rel=\"nofollow noopener\" href=\"");
				struct buf u = BUF_INIT;
				utf8_sanitize(p + i, end - i, &u);
				buf_add_html(&link, u.data, u.len);
				buf_puts(&link, "\">");
				buf_add_html(&link, u.data, u.len);
				buf_puts(&link, "</a>");
				buf_release(&u);
			} else {
				end = 0;
			}
		} else if (word_at(p, n, i, "bug") && (end = number_after(p, n, i + 3, &num))) {
			/* "bug 12 comment 3" / "bug 12, comment #3" */
			size_t j = end, k;
			if (j < n && p[j] == ',')
				j++;
			while (j < n && p[j] == ' ')
				j++;
			if (word_at(p, n, j, "comment") && (k = number_after(p, n, j + 7, &cnum)))
				end = k;
			else
				cnum = -1;
			if (find_bug(r, num)) {
				char frag[32] = "";
				if (cnum >= 0)
					snprintf(frag, sizeof frag, "#c%ld", cnum);
				struct buf label = BUF_INIT;
				buf_add(&label, p + i, end - i);
				bug_link(&link, r, num, frag, label.data);
				buf_release(&label);
			} else {
				end = 0;
			}
		} else if (word_at(p, n, i, "comment") && (end = number_after(p, n, i + 7, &num))) {
			if (has_comment(r, num)) {
				buf_printf(&link, "<a class=\"comment-link\" href=\"#c%ld\">", num);
				buf_add_html(&link, p + i, end - i);
				buf_puts(&link, "</a>");
			} else {
				end = 0;
			}
		} else if (word_at(p, n, i, "attachment") && (end = number_after(p, n, i + 10, &num))) {
			const struct att_ref *a = find_att(r, num);
			if (a && a->present) {
				buf_printf(&link, "<a class=\"attachment-link\" href=\"%s", r->sink->base_path);
				bugrefs_attachment_url(&link, a);
				buf_puts(&link, "\" title=\"");
				html(&link, a->description);
				buf_puts(&link, "\">");
				buf_add_html(&link, p + i, end - i);
				buf_puts(&link, "</a>");
			} else if (a) {
				buf_printf(&link, "<a class=\"attachment-link\" href=\"%s/bugs/%ld/#a%ld\">", r->sink->base_path, a->bug_id,
				           a->id);
				buf_add_html(&link, p + i, end - i);
				buf_puts(&link, "</a>");
			} else {
				end = 0;
			}
		}
		if (end) {
			text_html(out, p + plain, i - plain);
			buf_add(out, link.data, link.len);
			i = plain = end;
		} else {
			i++;
		}
		buf_release(&link);
	}
	text_html(out, p + plain, n - plain);
}

/* Bugzilla's displayed text for a comment of a special type (see format_comment). */
static void displayed_text(const struct bug_archive *r, int type, const char *extra, const char *body,
			   struct buf *out)
{
	long id = 0;
	if (extra)
		id = strtol(extra, NULL, 10);
	switch (type) {
	case 1:
		if (*body)
			buf_printf(out, "%s\n\n", body);
		buf_printf(out, "*** This bug has been marked as a duplicate of bug %ld ***", id);
		return;
	case 2:
		buf_printf(out, "*** Bug %ld has been marked as a duplicate of this bug. ***", id);
		break;
	case 3:
		buf_puts(out, "*** This bug has been confirmed by popular vote. ***");
		break;
	case 5:
	case 6: {
		const struct att_ref *a = find_att(r, id);
		buf_printf(out, "%s attachment %ld", type == 5 ? "Created" : "Comment on", id);
		if (a)
			buf_printf(out, "\n%s", a->description);
		break;
	}
	default:
		buf_puts(out, body);
		return;
	}
	if (*body)
		buf_printf(out, "\n\n%s", body);
}

struct anchors {
	char **v;
	size_t n;
};

static void anchor(struct anchors *a, const char *fmt, long n)
{
	a->v = xrealloc(a->v, (a->n + 2) * sizeof *a->v);
	a->v[a->n++] = xasprintf(fmt, n);
	a->v[a->n] = NULL;
}

static void field(struct buf *b, const char *label, const char *value_html)
{
	buf_printf(b, "<dt>%s</dt><dd>%s</dd>\n", label, value_html);
}

static void field_text(struct buf *b, const char *label, const char *value, bool bdi)
{
	if (!value || !*value)
		return;
	buf_printf(b, "<dt>%s</dt><dd>%s", label, bdi ? "<bdi>" : "");
	text_html(b, value, strlen(value));
	buf_printf(b, "%s</dd>\n", bdi ? "</bdi>" : "");
}

static void id_links(struct buf *b, const struct bug_archive *r, sqlite3_stmt *s)
{
	size_t n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		long id = (long)sqlite3_column_int64(s, 0);
		char label[32];
		snprintf(label, sizeof label, "%ld", id);
		if (!find_bug(r, id))
			continue;
		if (n++)
			buf_puts(b, ", ");
		bug_link(b, r, id, NULL, label);
	}
}

static const char *field_label(const char *f)
{
	static const char *const map[][2] = {
		{"bug_status", "Status"}, {"resolution", "Resolution"}, {"everconfirmed", "Ever confirmed"},
		{"dependson", "Depends on"}, {"blocked", "Blocks"}, {"keywords", "Keywords"},
		{"cc", "CC"}, {"target_milestone", "Target milestone"}, {"priority", "Priority"},
		{"bug_severity", "Severity"}, {"product", "Product"}, {"component", "Component"},
		{"version", "Version"}, {"bug_group", "Group"}, {"short_desc", "Summary"},
		{"assigned_to", "Assignee"}, {"qa_contact", "QA contact"}, {"rep_platform", "Hardware"},
		{"op_sys", "OS"}, {"bug_file_loc", "URL"}, {"status_whiteboard", "Whiteboard"},
		{"alias", "Alias"}, {"see_also", "See also"}, {"dup_id", "Duplicate of"},
		{"attachments.isobsolete", "Attachment obsolete"}, {"attachments.ispatch", "Attachment is patch"},
		{"attachments.description", "Attachment description"},
		{"attachments.filename", "Attachment file name"}, {"attachments.mimetype", "Attachment type"},
		{"cclist_accessible", "CC list accessible"}, {"reporter_accessible", "Reporter accessible"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(f, map[i][0]))
			return map[i][1];
	return f;
}

static int render_bug(struct bug_archive *r, const struct bug_ref *ref, sqlite3_stmt **q)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT, title = BUF_INIT, desc = BUF_INIT;
	struct anchors an = {0};
	int rc = -1;
	long id = ref->id;
	sqlite3_stmt *s = q[0];
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		db_error(r);
		goto out;
	}
	/* columns: 0 id 1 alias 2 summary 3 classification 4 product 5 component 6 version
	 * 7 platform 8 op_sys 9 status 10 resolution 11 severity 12 priority 13 milestone
	 * 14 whiteboard 15 url 16 keywords 17 reporter 18 assignee 19 qa 20 created
	 * 21 changed 22 cc_count 23 dup_of */
	const char *comp_slug = NULL;
	const struct product *prod = find_product(r, ref->product, &comp_slug, ref->component);
	buf_printf(&b, "<div class=\"bug-archive\" data-bug=\"%ld\">\n", id);
	buf_printf(&b, "<p class=\"bug-state %s\"><span class=\"bug-status\">", is_open(ref) ? "bug-open" : "bug-closed");
	status_text(&b, ref);
	buf_puts(&b, "</span>");
	if (sqlite3_column_type(s, 23) != SQLITE_NULL && find_bug(r, (long)sqlite3_column_int64(s, 23))) {
		long dup = (long)sqlite3_column_int64(s, 23);
		char label[48];
		snprintf(label, sizeof label, "bug %ld", dup);
		buf_puts(&b, " – duplicate of ");
		bug_link(&b, r, dup, NULL, label);
	}
	buf_puts(&b, "</p>\n<dl class=\"bug-fields\">\n");
	buf_reset(&tmp);
	if (prod) {
		buf_printf(&tmp, "<a href=\"%s/bugs/product/%s/\">", r->sink->base_path, prod->slug);
		html(&tmp, ref->product);
		buf_puts(&tmp, "</a>");
		field(&b, "Product", tmp.data);
		buf_reset(&tmp);
		buf_printf(&tmp, "<a href=\"%s/bugs/product/%s/%s/\">", r->sink->base_path, prod->slug,
		           comp_slug ? comp_slug : "x");
		html(&tmp, ref->component);
		buf_puts(&tmp, "</a>");
		field(&b, "Component", tmp.data);
	}
	field_text(&b, "Version", col(s, 6), false);
	buf_reset(&tmp);
	html(&tmp, col(s, 7));
	if (*col(s, 8)) {
		buf_puts(&tmp, " / ");
		html(&tmp, col(s, 8));
	}
	field(&b, "Hardware", tmp.data);
	buf_reset(&tmp);
	status_text(&tmp, ref);
	field(&b, "Status", tmp.data);
	field_text(&b, "Severity", col(s, 11), false);
	field_text(&b, "Priority", col(s, 12), false);
	if (strcmp(col(s, 13), "---"))
		field_text(&b, "Target milestone", col(s, 13), false);
	const char *who[3] = {person(r, s, 17), person(r, s, 18), person(r, s, 19)};
	field_text(&b, "Reporter", who[0], true);
	field_text(&b, "Assignee", who[1], true);
	field_text(&b, "QA contact", who[2], true);
	buf_reset(&tmp);
	time_html(&tmp, col(s, 20));
	field(&b, "Reported", tmp.data);
	buf_reset(&tmp);
	time_html(&tmp, col(s, 21));
	field(&b, "Modified", tmp.data);
	field_text(&b, "Alias", col(s, 1), false);
	field_text(&b, "Keywords", col(s, 16), false);
	field_text(&b, "Whiteboard", col(s, 14), true);
	const char *url = col(s, 15);
	if (*url) {
		buf_reset(&tmp);
		if ((!strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8)) && !strpbrk(url, " \t\n")) {
			buf_puts(&tmp, "<a class=\"ext\" rel=\"nofollow noopener\" href=\"");
			text_html(&tmp, url, strlen(url));
			buf_puts(&tmp, "\">");
			text_html(&tmp, url, strlen(url));
			buf_puts(&tmp, "</a>");
		} else {
			text_html(&tmp, url, strlen(url));
		}
		field(&b, "URL", tmp.data);
	}
	long cc = (long)sqlite3_column_int64(s, 22);
	buf_reset(&tmp);
	buf_printf(&tmp, "%ld %s", cc, cc == 1 ? "person" : "people");
	field(&b, "CC", tmp.data);
	/* links: q[1] depends on, q[2] blocks, q[3] duplicates, q[4] see also */
	static const char *const link_labels[] = {"Depends on", "Blocks", "Duplicates"};
	for (int k = 1; k <= 3; k++) {
		sqlite3_reset(q[k]);
		sqlite3_bind_int64(q[k], 1, id);
		buf_reset(&tmp);
		id_links(&tmp, r, q[k]);
		if (tmp.len)
			field(&b, link_labels[k - 1], tmp.data);
	}
	sqlite3_reset(q[4]);
	sqlite3_bind_int64(q[4], 1, id);
	buf_reset(&tmp);
	while (sqlite3_step(q[4]) == SQLITE_ROW) {
		const char *u = col(q[4], 0);
		buf_puts(&tmp, tmp.len ? "<br>" : "");
		if (!strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8)) {
			buf_puts(&tmp, "<a class=\"ext\" rel=\"nofollow noopener\" href=\"");
			text_html(&tmp, u, strlen(u));
			buf_puts(&tmp, "\">");
			text_html(&tmp, u, strlen(u));
			buf_puts(&tmp, "</a>");
		} else {
			text_html(&tmp, u, strlen(u));
		}
	}
	if (tmp.len)
		field(&b, "See also", tmp.data);
	buf_puts(&b, "</dl>\n");

	/* comments: numbers first, for "comment N" links */
	sqlite3_stmt *c = q[5];
	sqlite3_reset(c);
	sqlite3_bind_int64(c, 1, id);
	r->ncnums = 0;
	size_t cap = 0;
	while (sqlite3_step(c) == SQLITE_ROW) {
		ALLOC_GROW(r->cnums, r->ncnums + 1, cap);
		r->cnums[r->ncnums++] = (long)sqlite3_column_int64(c, 0);
	}

	/* attachments: q[6] */
	sqlite3_stmt *a = q[6];
	sqlite3_reset(a);
	sqlite3_bind_int64(a, 1, id);
	size_t natt = 0;
	struct buf patches = BUF_INIT;
	while (sqlite3_step(a) == SQLITE_ROW) {
		/* 0 id 1 filename 2 description 3 mime 4 is_patch 5 is_obsolete 6 creator 7 created
		 * 8 size 9 data 10 missing */
		long aid = (long)sqlite3_column_int64(a, 0);
		const struct att_ref *ar = find_att(r, aid);
		if (!natt++)
			buf_puts(&b, "<section class=\"bug-attachments\" id=\"attachments\">\n<h2>Attachments</h2>\n"
				     "<table class=\"attachments\">\n<thead><tr><th>File</th><th>Description</th>"
				     "<th>Size</th><th>Added by</th><th>Date</th></tr></thead>\n<tbody>\n");
		bool obsolete = sqlite3_column_int(a, 5) != 0, patch = sqlite3_column_int(a, 4) != 0;
		anchor(&an, "a%ld", aid);
		buf_printf(&b, "<tr id=\"a%ld\"%s><td>", aid, obsolete ? " class=\"obsolete\"" : "");
		if (ar && ar->present) {
			buf_printf(&b, "<a href=\"%s", r->sink->base_path);
			bugrefs_attachment_url(&b, ar);
			buf_puts(&b, "\" type=\"");
			html(&b, col(a, 3));
			buf_puts(&b, "\" download>");
			html(&b, ar->file);
			buf_puts(&b, "</a>");
		} else {
			html(&b, ar ? ar->file : col(a, 1));
			buf_puts(&b, " <span class=\"missing\">(not archived: ");
			text_html(&b, col(a, 10), strlen(col(a, 10)));
			buf_puts(&b, ")</span>");
		}
		buf_printf(&b, "%s%s</td><td><bdi>", patch ? " <span class=\"tag\">patch</span>" : "",
			   obsolete ? " <span class=\"tag\">obsolete</span>" : "");
		text_html(&b, col(a, 2), strlen(col(a, 2)));
		buf_printf(&b, "</bdi></td><td>%lld bytes</td><td><bdi>", (long long)sqlite3_column_int64(a, 8));
		html(&b, person(r, a, 6));
		buf_puts(&b, "</bdi></td><td>");
		time_html(&b, col(a, 7));
		buf_puts(&b, "</td></tr>\n");
		if (patch && sqlite3_column_type(a, 9) != SQLITE_NULL) {
			size_t n = (size_t)sqlite3_column_bytes(a, 9);
			const char *d = sqlite3_column_blob(a, 9);
			anchor(&an, "patch-%ld", aid);
			buf_printf(&patches, "<details class=\"patch\" id=\"patch-%ld\"%s>\n<summary>Attachment %ld: ",
				   aid, obsolete ? "" : " open", aid);
			text_html(&patches, col(a, 2), strlen(col(a, 2)));
			buf_puts(&patches, obsolete ? " (obsolete)" : "");
			buf_puts(&patches, "</summary>\n");
			if (n <= 512 * 1024) {
				struct buf t = BUF_INIT, h = BUF_INIT;
				utf8_sanitize(d ? d : "", n, &t);
				archive_hide_emails(t.data, t.len, &h);
				buf_puts(&patches, "<pre class=\"diff\"><code class=\"language-diff\">");
				highlight_code("diff", h.data, h.len, &patches);
				buf_puts(&patches, "</code></pre>\n");
				buf_release(&t);
				buf_release(&h);
			} else {
				buf_puts(&patches, "<p>Too large to show here; download the file.</p>\n");
			}
			buf_puts(&patches, "</details>\n");
		}
	}
	if (natt) {
		buf_puts(&b, "</tbody>\n</table>\n");
		buf_add(&b, patches.data, patches.len);
		buf_puts(&b, "</section>\n");
		anchor(&an, "attachments", 0);
	}
	buf_release(&patches);

	/* comments: q[7] */
	buf_puts(&b, "<section class=\"bug-comments\" id=\"comments\">\n<h2>Comments</h2>\n");
	anchor(&an, "comments", 0);
	sqlite3_stmt *t = q[7];
	sqlite3_reset(t);
	sqlite3_bind_int64(t, 1, id);
	while (sqlite3_step(t) == SQLITE_ROW) {
		/* 0 number 1 author 2 time 3 type 4 extra 5 text */
		long num = (long)sqlite3_column_int64(t, 0);
		anchor(&an, "c%ld", num);
		buf_printf(&b, "<article class=\"comment\" id=\"c%ld\">\n<header class=\"comment-head\">"
			       "<a class=\"comment-number\" href=\"#c%ld\">%s", num, num, num ? "Comment " : "Description");
		if (num)
			buf_printf(&b, "%ld", num);
		buf_puts(&b, "</a> <span class=\"comment-author\"><bdi>");
		html(&b, person(r, t, 1));
		buf_puts(&b, "</bdi></span> ");
		time_html(&b, col(t, 2));
		buf_puts(&b, "</header>\n<div class=\"comment-text\" dir=\"auto\">");
		buf_reset(&tmp);
		const char *extra = sqlite3_column_type(t, 4) == SQLITE_NULL ? NULL : col(t, 4);
		displayed_text(r, sqlite3_column_int(t, 3), extra, col(t, 5), &tmp);
		size_t lead = 0;
		while (lead < tmp.len && tmp.data[lead] == '\n')
			lead++;
		linkify(r, id, tmp.data + lead, tmp.len - lead, &b);
		buf_puts(&b, "</div>\n</article>\n");
	}
	buf_puts(&b, "</section>\n");

	/* history: q[8] */
	sqlite3_stmt *h = q[8];
	sqlite3_reset(h);
	sqlite3_bind_int64(h, 1, id);
	size_t nh = 0;
	while (sqlite3_step(h) == SQLITE_ROW) {
		/* 0 author 1 time 2 field 3 removed 4 added 5 attach_id */
		if (!nh++)
			buf_puts(&b, "<section class=\"bug-history\" id=\"history\">\n<h2>History</h2>\n"
				     "<table class=\"history\">\n<thead><tr><th>Who</th><th>When</th><th>What</th>"
				     "<th>Removed</th><th>Added</th></tr></thead>\n<tbody>\n");
		buf_puts(&b, "<tr><td><bdi>");
		html(&b, person(r, h, 0));
		buf_puts(&b, "</bdi></td><td>");
		time_html(&b, col(h, 1));
		buf_puts(&b, "</td><td>");
		html(&b, field_label(col(h, 2)));
		if (sqlite3_column_type(h, 5) != SQLITE_NULL) {
			long aid = (long)sqlite3_column_int64(h, 5);
			const struct att_ref *ar = find_att(r, aid);
			if (ar && ar->bug_id == id)
				buf_printf(&b, " (<a href=\"#a%ld\">attachment %ld</a>)", aid, aid);
			else
				buf_printf(&b, " (attachment %ld)", aid);
		}
		buf_puts(&b, "</td><td>");
		text_html(&b, col(h, 3), strlen(col(h, 3)));
		buf_puts(&b, "</td><td>");
		text_html(&b, col(h, 4), strlen(col(h, 4)));
		buf_puts(&b, "</td></tr>\n");
	}
	if (nh) {
		buf_puts(&b, "</tbody>\n</table>\n</section>\n");
		anchor(&an, "history", 0);
	} else if (!r->has_history) {
		buf_puts(&b, "<p class=\"bug-no-history\">The change history was not part of the import.</p>\n");
	}
	buf_puts(&b, "</div>\n");

	buf_printf(&title, "Bug %ld – ", id);
	buf_add(&title, ref->summary, strlen(ref->summary));
	buf_add(&desc, ref->product, strlen(ref->product));
	buf_puts(&desc, " / ");
	buf_add(&desc, ref->component, strlen(ref->component));
	buf_puts(&desc, ": ");
	buf_puts(&desc, ref->status);
	if (*ref->resolution)
		buf_printf(&desc, " %s", ref->resolution);
	char urlbuf[64];
	snprintf(urlbuf, sizeof urlbuf, "/bugs/%ld/", id);
	struct bugpage page = {
		.url = urlbuf, .title = title.data, .kind = "bug", .description = desc.data,
		.date = *ref->changed ? ref->changed : NULL, .html = b.data,
		.anchors = (const char *const *)an.v, .weight = ref->id,
	};
	rc = r->sink->add_page(r->sink->arg, &page);
out:
	for (size_t i = 0; i < an.n; i++)
		free(an.v[i]);
	free(an.v);
	buf_release(&b);
	buf_release(&tmp);
	buf_release(&title);
	buf_release(&desc);
	return rc;
}

static int render_bugs(struct bug_archive *r)
{
	static const char *const sql[] = {
		"SELECT * FROM bugs WHERE id = ?1",
		"SELECT dependson FROM dependencies WHERE blocked = ?1 ORDER BY dependson",
		"SELECT blocked FROM dependencies WHERE dependson = ?1 ORDER BY blocked",
		"SELECT id FROM bugs WHERE dup_of = ?1 ORDER BY id",
		"SELECT url FROM see_also WHERE bug_id = ?1 ORDER BY url",
		"SELECT number FROM comments WHERE bug_id = ?1 ORDER BY number",
		("SELECT id, filename, description, mime, is_patch, is_obsolete, creator, created, size, data,"
		 " missing FROM attachments WHERE bug_id = ?1 ORDER BY id"),
		"SELECT number, author, time, type, extra, text FROM comments WHERE bug_id = ?1 ORDER BY number",
		"SELECT author, time, field, removed, added, attach_id FROM history WHERE bug_id = ?1 ORDER BY seq",
	};
	enum { NQ = sizeof sql / sizeof sql[0] };
	sqlite3_stmt *q[NQ] = {0};
	int rc = -1;
	for (int i = 0; i < NQ; i++)
		if (sqlite3_prepare_v2(r->db, sql[i], -1, &q[i], NULL) != SQLITE_OK) {
			db_error(r);
			goto out;
		}
	for (size_t i = 0; i < r->nbugs; i++)
		if (render_bug(r, &r->bugs[i], q) < 0)
			goto out;
	rc = 0;
out:
	for (int i = 0; i < NQ; i++)
		sqlite3_finalize(q[i]);
	return rc;
}

static int render_attachments(struct bug_archive *r)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(r->db, "SELECT id, data FROM attachments WHERE data IS NOT NULL ORDER BY id",
			       -1, &s, NULL) != SQLITE_OK)
		return db_error(r);
	int rc = 0;
	struct buf rel = BUF_INIT;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		const struct att_ref *a = find_att(r, (long)sqlite3_column_int64(s, 0));
		if (!a)
			continue;
		buf_reset(&rel);
		bugrefs_attachment_url(&rel, a);
		const void *d = sqlite3_column_blob(s, 1);
		rc = r->sink->add_file(r->sink->arg, rel.data + 1, d ? d : "", (size_t)sqlite3_column_bytes(s, 1));
	}
	sqlite3_finalize(s);
	buf_release(&rel);
	return rc;
}

static void bug_table(struct buf *b, const struct bug_archive *r, const char *product, const char *component)
{
	buf_puts(b, "<table class=\"bug-list\">\n<thead><tr><th>Bug</th><th>Summary</th><th>Product</th>"
		    "<th>Component</th><th>Status</th><th>Changed</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->nbugs; i++) {
		const struct bug_ref *g = &r->bugs[i];
		if ((product && strcmp(g->product, product)) || (component && strcmp(g->component, component)))
			continue;
		buf_puts(b, "<tr data-product=\"");
		html(b, g->product);
		buf_puts(b, "\" data-component=\"");
		html(b, g->component);
		buf_puts(b, "\" data-status=\"");
		html(b, g->status);
		buf_puts(b, "\" data-resolution=\"");
		html(b, g->resolution);
		buf_printf(b, "\" data-open=\"%d\"><td><a href=\"%s/bugs/%ld/\">%ld</a></td><td><bdi>", is_open(g),
			   r->sink->base_path, g->id, g->id);
		text_html(b, g->summary, strlen(g->summary));
		buf_puts(b, "</bdi></td><td>");
		html(b, g->product);
		buf_puts(b, "</td><td>");
		html(b, g->component);
		buf_puts(b, "</td><td>");
		status_text(b, g);
		buf_puts(b, "</td><td>");
		if (strlen(g->changed) >= 10)
			buf_add_html(b, g->changed, 10);
		buf_puts(b, "</td></tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n");
}

/* Counts per "STATUS RESOLUTION", in first-seen order of a sorted list. */
static void status_counts(struct buf *b, const struct bug_archive *r, const char *product, const char *component)
{
	struct {
		char *key;
		size_t n;
	} c[64];
	size_t nc = 0, total = 0;
	for (size_t i = 0; i < r->nbugs; i++) {
		const struct bug_ref *g = &r->bugs[i];
		if ((product && strcmp(g->product, product)) || (component && strcmp(g->component, component)))
			continue;
		total++;
		char *key = *g->resolution ? xasprintf("%s %s", g->status, g->resolution) : xstrdup(g->status);
		size_t j = 0;
		while (j < nc && strcmp(c[j].key, key))
			j++;
		if (j == nc && nc < 64) {
			c[nc].key = key;
			c[nc++].n = 1;
		} else {
			if (j < nc)
				c[j].n++;
			free(key);
		}
	}
	for (size_t i = 1; i < nc; i++)
		for (size_t j = i; j > 0 && strcmp(c[j - 1].key, c[j].key) > 0; j--) {
			char *k = c[j].key;
			size_t n = c[j].n;
			c[j] = c[j - 1];
			c[j - 1].key = k;
			c[j - 1].n = n;
		}
	buf_printf(b, "<table class=\"bug-counts\">\n<thead><tr><th>Status</th><th>Bugs</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < nc; i++) {
		buf_puts(b, "<tr><td>");
		html(b, c[i].key);
		buf_printf(b, "</td><td>%zu</td></tr>\n", c[i].n);
		free(c[i].key);
	}
	buf_printf(b, "</tbody>\n<tfoot><tr><th>Total</th><td>%zu</td></tr></tfoot>\n</table>\n", total);
}

static int add_index(struct bug_archive *r, const char *url, const char *title, const char *kind,
		     const char *description, const struct buf *body)
{
	struct bugpage page = {.url = url, .title = title, .kind = kind, .description = description,
				    .html = body->data};
	return r->sink->add_page(r->sink->arg, &page);
}

static int render_indexes(struct bug_archive *r)
{
	struct buf b = BUF_INIT, url = BUF_INIT, title = BUF_INIT, desc = BUF_INIT;
	int rc = 0;
	/* /bugs/ */
	buf_puts(&b, "<nav class=\"bug-products\"><h2>Products</h2>\n<ul>\n");
	for (size_t i = 0; i < r->nproducts; i++) {
		size_t n = 0;
		for (size_t j = 0; j < r->nbugs; j++)
			n += !strcmp(r->bugs[j].product, r->products[i].name);
		buf_printf(&b, "<li><a href=\"%s/bugs/product/%s/\">", r->sink->base_path, r->products[i].slug);
		html(&b, r->products[i].name);
		buf_printf(&b, "</a> (%zu)</li>\n", n);
	}
	buf_puts(&b, "</ul>\n</nav>\n");
	status_counts(&b, r, NULL, NULL);
	buf_puts(&b, "<form class=\"bug-filter\" hidden>\n<label>Text <input type=\"search\" name=\"q\"></label>\n"
		     "<label>Product <select name=\"product\"><option value=\"\">all</option>\n");
	for (size_t i = 0; i < r->nproducts; i++) {
		buf_puts(&b, "<option>");
		html(&b, r->products[i].name);
		buf_puts(&b, "</option>\n");
	}
	buf_puts(&b, "</select></label>\n<label>State <select name=\"state\"><option value=\"\">all</option>"
		     "<option value=\"1\">open</option><option value=\"0\">closed</option></select></label>\n"
		     "<output name=\"count\"></output>\n</form>\n");
	bug_table(&b, r, NULL, NULL);
	buf_printf(&b, "<script src=\"%s/bugs.js\" defer></script>\n", r->sink->base_path);
	buf_printf(&desc, "%zu bugs from the former Bugzilla, kept as a read-only archive.", r->nbugs);
	rc = add_index(r, "/bugs/", "Bug archive", "bug-index", desc.data, &b);
	for (size_t i = 0; rc == 0 && i < r->nproducts; i++) {
		const struct product *p = &r->products[i];
		buf_reset(&b);
		status_counts(&b, r, p->name, NULL);
		buf_puts(&b, "<h2>Components</h2>\n<ul class=\"bug-components\">\n");
		for (size_t j = 0; j < p->ncomponents; j++) {
			buf_printf(&b, "<li><a href=\"%s/bugs/product/%s/%s/\">", r->sink->base_path, p->slug, p->comp_slugs[j]);
			html(&b, p->components[j]);
			buf_puts(&b, "</a></li>\n");
		}
		buf_puts(&b, "</ul>\n<h2>Bugs</h2>\n");
		bug_table(&b, r, p->name, NULL);
		buf_reset(&url);
		buf_printf(&url, "/bugs/product/%s/", p->slug);
		buf_reset(&title);
		buf_printf(&title, "Bugs in %s", p->name);
		buf_reset(&desc);
		buf_printf(&desc, "Archived bug reports for %s.", p->name);
		rc = add_index(r, url.data, title.data, "bug-product", desc.data, &b);
		for (size_t j = 0; rc == 0 && j < p->ncomponents; j++) {
			buf_reset(&b);
			buf_printf(&b, "<p>Product: <a href=\"%s/bugs/product/%s/\">", r->sink->base_path, p->slug);
			html(&b, p->name);
			buf_puts(&b, "</a></p>\n");
			status_counts(&b, r, p->name, p->components[j]);
			bug_table(&b, r, p->name, p->components[j]);
			buf_reset(&url);
			buf_printf(&url, "/bugs/product/%s/%s/", p->slug, p->comp_slugs[j]);
			buf_reset(&title);
			buf_printf(&title, "Bugs in %s / %s", p->name, p->components[j]);
			buf_reset(&desc);
			buf_printf(&desc, "Archived bug reports for the %s component of %s.", p->components[j], p->name);
			rc = add_index(r, url.data, title.data, "bug-component", desc.data, &b);
		}
	}
	buf_release(&b);
	buf_release(&url);
	buf_release(&title);
	buf_release(&desc);
	return rc;
}

int bugpages_render(const char *db_path, const struct bugpages_sink *sink)
{
	struct bug_archive r = {.path = db_path, .sink = sink};
	int rc = -1;
	if (db_open_readonly(db_path, false, "bug archive", &r.db) < 0)
		goto out;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(r.db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW || sqlite3_column_int(s, 0) != ARCHIVE_SCHEMA_VERSION) {
		sqlite3_finalize(s);
		error_at(db_path, 0, "not a bug archive of schema version %d (re-run nfsite import bugzilla)",
			 ARCHIVE_SCHEMA_VERSION);
		goto out;
	}
	sqlite3_finalize(s);
	if (load_refs(&r) < 0 || render_bugs(&r) < 0 || render_attachments(&r) < 0 ||
	    render_indexes(&r) < 0 || bugurls_forwarders(&r) < 0 || bugurls_redirect_maps(&r) < 0)
		goto out;
	rc = 0;
out:
	free_refs(&r);
	sqlite3_close(r.db);
	return rc;
}
