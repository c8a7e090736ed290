/* xml: a MediaWiki XML export → struct mw_wiki, streamed.
 *
 *   <mediawiki> <siteinfo> <namespaces> <namespace key="4">Name</namespace> …
 *               <page> <title/> <ns/> <id/> <redirect title=""/>?
 *                      <revision> <timestamp/> <contributor> <username/>|<ip/> </contributor>
 *                                 <minor/>? <comment/> <model/> <text>…</text> </revision>*
 *               </page>*
 *
 * What the wiki hid carries deleted="deleted" (<contributor>, <comment>, <text>) and
 * stays unknown here.
 *
 * The reader walks nodes one at a time (xmlTextReader), keeping only the page being
 * read: a dump of any size runs in the memory of its largest page. Every revision is
 * counted; the latest (by timestamp, then document order) is kept. The input goes
 * through zlib's gzread, which reads plain and .gz files alike. No network, no
 * external entities, no DTD: the export is untrusted. */
#include "import/mediawiki/xml.h"
#include "base/buf.h"
#include "import/mediawiki/wiki.h"
#include "base/log.h"

#include <errno.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct xr {
	const char *path;
	gzFile gz;
	xmlTextReaderPtr rd;
	long fed;          /* bytes handed to the parser so far */
	char gzerr[160];
	bool gz_cut;       /* the compressed stream ends early */
	char err[512];
	int err_line;
	bool err_at_end;   /* the first error came with every byte read: a cut file */
};

enum field {
	F_NONE, F_NS, F_BASE, F_SITENAME, F_TITLE, F_PAGE_NS, F_TIMESTAMP, F_USER, F_COMMENT, F_MODEL, F_TEXT, F_FILENAME, F_SIZE
};

struct page_state {
	struct buf title, ns_text, latest_text, latest_ts, latest_user, latest_model, redirect;
	bool has_ns, has_redirect, latest_text_ok, latest_user_ok, any_rev;
	/* the revision being read */
	struct buf ts, user, comment, model, text;
	bool user_ok, comment_ok, text_ok, minor;
	/* the <upload> being read (dumpBackup.php --uploads): ts, user, comment too */
	struct buf filename, size;
};

static int gz_read(void *ctx, char *out, int len)
{
	struct xr *x = ctx;
	int n = gzread(x->gz, out, (unsigned)len);
	if (n < 0) {
		int zerr;
		const char *m = gzerror(x->gz, &zerr);
		snprintf(x->gzerr, sizeof(x->gzerr), "%s", m ? m : "read error");
		x->gz_cut = zerr == Z_BUF_ERROR;
	} else {
		x->fed += n;
	}
	return n;
}

static int gz_close(void *ctx)
{
	(void)ctx; /* closed by the caller */
	return 0;
}

static void on_error(void *ctx, xmlErrorPtr e)
{
	struct xr *x = ctx;
	if (!e || e->level < XML_ERR_ERROR || x->err[0])
		return;
	snprintf(x->err, sizeof(x->err), "%s", e->message ? e->message : "malformed XML");
	size_t n = strlen(x->err);
	while (n && (x->err[n - 1] == '\n' || x->err[n - 1] == ' '))
		x->err[--n] = 0;
	for (char *nl = strchr(x->err, '\n'); nl; nl = strchr(nl, '\n'))
		*nl = ' '; /* one line: "not proper UTF-8 … Bytes: 0xFF …" */
	x->err_line = e->line;
	x->err_at_end = x->rd && xmlTextReaderByteConsumed(x->rd) >= x->fed;
}

static void page_reset(struct page_state *p)
{
	buf_reset(&p->title);
	buf_reset(&p->ns_text);
	buf_reset(&p->latest_text);
	buf_reset(&p->latest_ts);
	buf_reset(&p->latest_user);
	buf_reset(&p->latest_model);
	buf_reset(&p->redirect);
	p->has_ns = p->has_redirect = p->latest_text_ok = p->latest_user_ok = p->any_rev = false;
}

static void page_release(struct page_state *p)
{
	struct buf *all[] = {&p->title, &p->ns_text, &p->latest_text, &p->latest_ts, &p->latest_user,
	                     &p->latest_model, &p->redirect, &p->ts, &p->user, &p->comment, &p->model,
	                     &p->text, &p->filename, &p->size};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		buf_release(all[i]);
}

static void swap_buf(struct buf *a, struct buf *b)
{
	struct buf t = *a;
	*a = *b;
	*b = t;
}

static bool name_is(const xmlChar *n, const char *s)
{
	return n && !strcmp((const char *)n, s);
}

int mediawiki_xml_read(struct mw_wiki *w, const char *path)
{
	struct xr x;
	struct page_state pg;
	struct buf cap = BUF_INIT;
	xmlTextReaderPtr rd = NULL;
	enum field field = F_NONE;
	int rc = -1, ret, depth_field = -1, ns_key = 0;
	bool in_siteinfo = false, in_page = false, in_rev = false, in_contrib = false, in_upload = false;
	bool seen_root = false, began = false;
	long long next_id = 0;
	size_t npages = 0;

	memset(&x, 0, sizeof(x));
	memset(&pg, 0, sizeof(pg));
	page_release(&pg);
	x.path = path;
	x.gz = gzopen(path, "rb");
	if (!x.gz)
		return error_at(path, 0, "cannot open the XML export: %s", strerror(errno ? errno : ENOENT));
	gzbuffer(x.gz, 1 << 16);
	/* NONET: no fetching; no NOENT, DTDLOAD or DTDATTR: entities stay unexpanded,
	 * external ones are never read. */
	rd = xmlReaderForIO(gz_read, gz_close, &x, path, NULL, XML_PARSE_NONET | XML_PARSE_COMPACT);
	if (!rd) {
		error_at(path, 0, "cannot start the XML reader");
		goto out;
	}
	x.rd = rd;
	xmlTextReaderSetStructuredErrorHandler(rd, on_error, &x);
	if (mw_wiki_begin(w))
		goto out;
	began = true;

	while ((ret = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		int depth = xmlTextReaderDepth(rd);
		const xmlChar *name = xmlTextReaderConstLocalName(rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			bool empty = xmlTextReaderIsEmptyElement(rd);
			if (!seen_root) {
				seen_root = true;
				if (!name_is(name, "mediawiki")) {
					error_at(path, xmlTextReaderGetParserLineNumber(rd),
					         "not a MediaWiki XML export (the root element is <%s>)", name);
					goto out;
				}
				continue;
			}
			if (field != F_NONE)
				continue; /* markup inside a captured field: only its text counts */
			if (name_is(name, "siteinfo")) {
				in_siteinfo = !empty;
			} else if (in_siteinfo && name_is(name, "namespace")) {
				xmlChar *k = xmlTextReaderGetAttribute(rd, (const xmlChar *)"key");
				ns_key = k ? atoi((const char *)k) : 0;
				xmlFree(k);
				field = F_NS;
			} else if (in_siteinfo && name_is(name, "base")) {
				field = F_BASE;
			} else if (in_siteinfo && name_is(name, "sitename")) {
				field = F_SITENAME;
			} else if (name_is(name, "page") && depth == 1) {
				in_page = !empty;
				page_reset(&pg);
			} else if (in_page && !in_rev && name_is(name, "title")) {
				field = F_TITLE;
			} else if (in_page && !in_rev && name_is(name, "ns")) {
				field = F_PAGE_NS;
			} else if (in_page && !in_rev && name_is(name, "redirect")) {
				xmlChar *t = xmlTextReaderGetAttribute(rd, (const xmlChar *)"title");
				pg.has_redirect = true;
				buf_reset(&pg.redirect);
				if (t)
					buf_puts(&pg.redirect, (const char *)t);
				xmlFree(t);
			} else if (in_page && name_is(name, "revision")) {
				in_rev = !empty;
				buf_reset(&pg.ts);
				buf_reset(&pg.user);
				buf_reset(&pg.comment);
				buf_reset(&pg.model);
				buf_reset(&pg.text);
				pg.user_ok = false;
				pg.comment_ok = true; /* no <comment>: an edit without a summary */
				pg.text_ok = false;
				pg.minor = false;
			} else if (in_page && !in_rev && name_is(name, "upload")) {
				in_upload = !empty;
				buf_reset(&pg.ts);
				buf_reset(&pg.user);
				buf_reset(&pg.comment);
				buf_reset(&pg.filename);
				buf_reset(&pg.size);
				pg.user_ok = false;
			} else if (in_upload && name_is(name, "filename")) {
				field = F_FILENAME;
			} else if (in_upload && name_is(name, "size")) {
				field = F_SIZE;
			} else if ((in_rev || in_upload) && name_is(name, "timestamp")) {
				field = F_TIMESTAMP;
			} else if ((in_rev || in_upload) && name_is(name, "contributor")) {
				in_contrib = !empty;
			} else if (in_contrib && (name_is(name, "username") || name_is(name, "ip"))) {
				field = F_USER;
				pg.user_ok = true;
			} else if (in_rev && !in_contrib && name_is(name, "minor")) {
				pg.minor = true;
			} else if ((in_rev || in_upload) && !in_contrib && name_is(name, "comment")) {
				xmlChar *del = xmlTextReaderGetAttribute(rd, (const xmlChar *)"deleted");
				pg.comment_ok = !del;
				xmlFree(del);
				field = F_COMMENT;
			} else if (in_rev && !in_contrib && name_is(name, "model")) {
				field = F_MODEL;
			} else if (in_rev && name_is(name, "text")) {
				xmlChar *del = xmlTextReaderGetAttribute(rd, (const xmlChar *)"deleted");
				pg.text_ok = !del;
				xmlFree(del);
				field = F_TEXT;
			}
			if (field != F_NONE) {
				depth_field = depth;
				buf_reset(&cap);
				if (empty)
					goto end_field;
			}
			continue;
		}
		if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
		    type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
			if (field != F_NONE) {
				const xmlChar *v = xmlTextReaderConstValue(rd);
				if (v)
					buf_puts(&cap, (const char *)v);
			}
			continue;
		}
		if (type != XML_READER_TYPE_END_ELEMENT)
			continue;
		if (field != F_NONE) {
			if (depth != depth_field)
				continue;
		end_field:
			switch (field) {
			case F_NS:
				mw_wiki_set_namespace(w, ns_key, cap.data);
				break;
			case F_BASE:
				mw_wiki_set_base(w, cap.data);
				break;
			case F_SITENAME:
				mw_wiki_set_sitename(w, cap.data);
				break;
			case F_TITLE:
				swap_buf(&pg.title, &cap);
				break;
			case F_PAGE_NS:
				swap_buf(&pg.ns_text, &cap);
				pg.has_ns = true;
				break;
			case F_TIMESTAMP:
				swap_buf(&pg.ts, &cap);
				break;
			case F_USER:
				swap_buf(&pg.user, &cap);
				break;
			case F_COMMENT:
				swap_buf(&pg.comment, &cap);
				break;
			case F_MODEL:
				swap_buf(&pg.model, &cap);
				break;
			case F_TEXT:
				swap_buf(&pg.text, &cap);
				break;
			case F_FILENAME:
				swap_buf(&pg.filename, &cap);
				break;
			case F_SIZE:
				swap_buf(&pg.size, &cap);
				break;
			default:
				break;
			}
			field = F_NONE;
			continue;
		}
		if (name_is(name, "siteinfo")) {
			in_siteinfo = false;
		} else if (in_contrib && name_is(name, "contributor")) {
			in_contrib = false;
		} else if (in_upload && name_is(name, "upload")) {
			/* a full dump lists a file's older uploads first: each one read is the
			 * current one until the next */
			in_upload = false;
			struct mw_file_rec f = {pg.filename.data, true, atoll(pg.size.data ? pg.size.data : "0"), 0, 0,
			                        NULL, NULL, pg.ts.data, pg.user_ok ? pg.user.data : NULL,
			                        pg.comment.data, NULL};
			if (pg.filename.len && mw_wiki_add_file(w, &f))
				goto out;
		} else if (in_rev && name_is(name, "revision")) {
			in_rev = false;
			if (!pg.any_rev)
				next_id++;
			struct mw_rev_rec rev = {next_id, pg.ts.data, pg.user_ok ? pg.user.data : NULL,
			                         pg.comment_ok ? (pg.comment.data ? pg.comment.data : "") : NULL,
			                         pg.minor};
			if (mw_wiki_add_revision(w, &rev))
				goto out;
			/* Latest wins: later timestamp, or the same one later in the file. */
			if (!pg.any_rev || strcmp(pg.ts.data, pg.latest_ts.data) >= 0) {
				swap_buf(&pg.latest_ts, &pg.ts);
				swap_buf(&pg.latest_user, &pg.user);
				swap_buf(&pg.latest_model, &pg.model);
				swap_buf(&pg.latest_text, &pg.text);
				pg.latest_text_ok = pg.text_ok;
				pg.latest_user_ok = pg.user_ok;
			}
			pg.any_rev = true;
		} else if (in_page && name_is(name, "page") && depth == 1) {
			struct mw_page_rec p = {0};
			in_page = false;
			if (!pg.any_rev)
				next_id++;
			p.id = next_id;
			p.ns = pg.has_ns ? atoi(pg.ns_text.data) : MW_NS_UNKNOWN;
			p.title = pg.title.data;
			p.title_has_prefix = true;
			p.model = pg.latest_model.len ? pg.latest_model.data : NULL;
			p.timestamp = pg.any_rev ? pg.latest_ts.data : NULL;
			p.user = pg.latest_user_ok ? pg.latest_user.data : NULL;
			p.is_redirect = pg.has_redirect;
			p.redirect_target = pg.has_redirect && pg.redirect.len ? pg.redirect.data : NULL;
			if (!pg.any_rev) {
				p.unreadable = "the page has no revision in the export";
			} else if (!pg.latest_text_ok) {
				p.unreadable = "the latest revision's text is hidden (deleted)";
			} else {
				p.text = pg.latest_text.data;
				p.text_len = pg.latest_text.len;
			}
			if (mw_wiki_add_page(w, &p))
				goto out;
			mw_wiki_progress(w, "reading pages", ++npages, 0);
		}
	}
	if (ret != 0 || x.err[0]) {
		/* Cut short, libxml2 says what it expected next ("Extra content at the end of
		 * the document" for a cut inside an element): the end of the file is the news. */
		if (x.gz_cut || (x.err[0] && x.err_at_end))
			error_at(path, x.err_line ? x.err_line : xmlTextReaderGetParserLineNumber(rd),
			         "truncated XML export: the file ends before </mediawiki>");
		else if (x.gzerr[0])
			error_at(path, x.err_line ? x.err_line : xmlTextReaderGetParserLineNumber(rd),
			         "cannot read the XML export: %s", x.gzerr);
		else
			error_at(path, x.err_line ? x.err_line : xmlTextReaderGetParserLineNumber(rd),
			         "malformed XML export: %s", x.err[0] ? x.err : "read error");
		goto out;
	}
	if (!seen_root) {
		error_at(path, 0, "empty XML export");
		goto out;
	}
	if (in_page || in_rev) {
		error_at(path, xmlTextReaderGetParserLineNumber(rd), "the XML export ends inside a <page>");
		goto out;
	}
	rc = 0;
out:
	if (began) {
		if (mw_wiki_commit(w))
			rc = -1;
	}
	if (rd)
		xmlFreeTextReader(rd);
	gzclose(x.gz);
	page_release(&pg);
	buf_release(&cap);
	return rc;
}
