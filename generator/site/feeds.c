/* feeds: sitemap.xml and Atom through libxml2's xmlwriter. */
#include "site/feeds.h"
#include "base/buf.h"
#include "base/date.h"
#include "site/config.h"
#include "site/content.h"
#include "base/log.h"

#include <libxml/xmlwriter.h>

static bool listed(const struct page *p)
{
	return !p->unlisted;
}

/* Collects the writer's output into out. */
static int finish(xmlTextWriterPtr w, xmlBufferPtr xb, struct buf *out, const char *what)
{
	int rc = xmlTextWriterEndDocument(w) < 0 ? error_at(what, 0, "cannot write XML") : 0;
	xmlFreeTextWriter(w);
	if (rc == 0)
		buf_add(out, (const char *)xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
	return rc;
}

static void absolute(struct buf *u, const struct config *cfg, const char *url)
{
	buf_reset(u);
	buf_puts(u, cfg->base_url);
	buf_puts(u, url + 1);
}

int feeds_sitemap(const struct config *cfg, const struct content *m, struct buf *out)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
	struct buf u = BUF_INIT;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "urlset");
	xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "http://www.sitemaps.org/schemas/sitemap/0.9");
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		if (!listed(p))
			continue;
		xmlTextWriterStartElement(w, BAD_CAST "url");
		absolute(&u, cfg, p->url);
		xmlTextWriterWriteElement(w, BAD_CAST "loc", BAD_CAST u.data);
		if (p->updated || p->date) {
			char day[DATE_DAY_SIZE];
			date_day(p->updated ? &p->updated_at : &p->date_at, day);
			xmlTextWriterWriteElement(w, BAD_CAST "lastmod", BAD_CAST day);
		}
		xmlTextWriterEndElement(w);
	}
	buf_release(&u);
	return finish(w, xb, out, "sitemap.xml");
}

int feeds_atom(const struct config *cfg, const struct content *m, struct buf *out)
{
	const struct page *news = content_find(m, cfg->news_url);
	if (!news)
		return 1;
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
	struct buf u = BUF_INIT;
	char when[DATE_RFC3339_SIZE];
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "feed");
	xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "http://www.w3.org/2005/Atom");
	xmlTextWriterWriteFormatElement(w, BAD_CAST "title", "%s: %s", cfg->title, news->title);
	absolute(&u, cfg, news->url);
	xmlTextWriterWriteElement(w, BAD_CAST "id", BAD_CAST u.data);
	xmlTextWriterStartElement(w, BAD_CAST "link");
	xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST u.data);
	xmlTextWriterEndElement(w);
	absolute(&u, cfg, "/atom.xml");
	xmlTextWriterStartElement(w, BAD_CAST "link");
	xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST "self");
	xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST u.data);
	xmlTextWriterEndElement(w);
	/* The feed's own date is its newest entry's, so rebuilding changes nothing. */
	struct date newest = news->npages && news->pages[0]->date ? news->pages[0]->date_at : date_utc(0);
	date_rfc3339(&newest, when);
	xmlTextWriterWriteElement(w, BAD_CAST "updated", BAD_CAST when);
	for (size_t i = 0; i < news->npages && i < 20; i++) {
		const struct page *p = news->pages[i];
		xmlTextWriterStartElement(w, BAD_CAST "entry");
		xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST p->title);
		absolute(&u, cfg, p->url);
		xmlTextWriterWriteElement(w, BAD_CAST "id", BAD_CAST u.data);
		xmlTextWriterStartElement(w, BAD_CAST "link");
		xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST u.data);
		xmlTextWriterEndElement(w);
		date_rfc3339(p->updated ? &p->updated_at : p->date ? &p->date_at : &newest, when);
		xmlTextWriterWriteElement(w, BAD_CAST "updated", BAD_CAST when);
		if (p->date) {
			date_rfc3339(&p->date_at, when);
			xmlTextWriterWriteElement(w, BAD_CAST "published", BAD_CAST when);
		}
		xmlTextWriterStartElement(w, BAD_CAST "author");
		xmlTextWriterWriteElement(w, BAD_CAST "name", BAD_CAST cfg->title);
		xmlTextWriterEndElement(w);
		if (p->summary && *p->summary)
			xmlTextWriterWriteElement(w, BAD_CAST "summary", BAD_CAST p->summary);
		xmlTextWriterEndElement(w);
	}
	buf_release(&u);
	return finish(w, xb, out, "atom.xml");
}
