/* search_test: the preview server's incremental search index. Run after run through one
 * memo, search_index must hand over exactly the files a one-off build (no memo) makes
 * from the same pages, and make again only those an edit touches: the shards of the
 * words it adds or drops and its chunk; the rest it keeps. */
#include "base/buf.h"
#include "base/strmap.h"
#include "site/content.h"
#include "site/search.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#define NPAGES 40

/* An output folder in memory: file name → contents (ptr, owned). */
struct store {
	struct strmap files;
	size_t puts, keeps;
	size_t fail_at; /* the put that fails (1-based), 0 for none */
};

static int put(const char *rel, const char *data, size_t len, void *arg)
{
	struct store *s = arg;
	if (++s->puts == s->fail_at)
		return -1;
	struct strmap_entry *e = strmap_put(&s->files, rel, strlen(rel), NULL);
	free(e->ptr);
	e->ptr = xstrndup(data, len);
	return 0;
}

static int keep(const char *rel, void *arg)
{
	struct store *s = arg;
	s->keeps++;
	return strmap_get(&s->files, rel, strlen(rel)) ? 0 : 1;
}

static void store_release(struct store *s)
{
	for (size_t i = 0; i < s->files.cap; i++)
		free(s->files.slot[i].ptr);
	strmap_release(&s->files);
}

/* Runs search_index through memo into live, told that only changed[0..n) changed
 * (NULL: not told); then a one-off run into a fresh store must give the same files.
 * Returns the number of files put through the memo. */
static size_t run_told(struct content *m, struct search_memo *memo, struct store *live, struct page *const *changed,
                       size_t n, int line)
{
	live->puts = live->keeps = 0;
	unit_check_at(search_index(m, "", memo, &(struct search_sink){put, keep, live}, changed, n) == 0, __FILE__, line,
	              "search_index through the memo failed");
	struct store fresh = {STRMAP_INIT, 0, 0, 0};
	unit_check_at(search_index(m, "", NULL, &(struct search_sink){put, keep, &fresh}, NULL, 0) == 0, __FILE__, line,
	              "search_index without memo failed");
	unit_check_at(fresh.files.n == live->files.n, __FILE__, line, "%zu files, want %zu", live->files.n,
	              fresh.files.n);
	for (size_t i = 0; i < fresh.files.cap; i++) {
		const struct strmap_entry *f = &fresh.files.slot[i];
		if (!f->key)
			continue;
		const struct strmap_entry *l = strmap_get(&live->files, f->key, f->len);
		unit_check_at(l && !strcmp(l->ptr, f->ptr), __FILE__, line, "%s differs from a one-off build's", f->key);
	}
	store_release(&fresh);
	return live->puts;
}

static size_t run_and_compare(struct content *m, struct search_memo *memo, struct store *live, int line)
{
	return run_told(m, memo, live, NULL, 0, line);
}

/* Gives page i the text (as a rendered page gets it), dropping its old entry. */
static void set_text(struct content *m, size_t i, const char *text)
{
	struct page *p = m->pages[i];
	content_page_forget(p);
	p->search_text = xstrdup(text);
}

int main(void)
{
	struct content m = {0};
	char url[32], title[32], text[64];
	for (size_t i = 0; i < NPAGES; i++) {
		snprintf(url, sizeof url, "/p%02zu/", i);
		snprintf(title, sizeof title, "Page %02zu", i);
		snprintf(text, sizeof text, "Common words and word%02zu here.", i);
		CHECK(content_add_generated(&m, "gen", url, title, "page", text, NULL, "", NULL, 0) == 0);
		m.pages[i]->index = i;
	}
	struct search_memo *memo = search_memo_new();
	struct store live = {STRMAP_INIT, 0, 0, 0};
	/* 40 pages: meta, 16 shards, 3 chunks of 16 */
	CHECK(run_and_compare(&m, memo, &live, __LINE__) == 20);

	/* Nothing changed: every file kept. */
	CHECK(run_and_compare(&m, memo, &live, __LINE__) == 0 && live.keeps == 20);

	/* A new word on page 20: its shard and chunk 1 (pages 16..31), nothing else (the
	 * words it still holds in the same fields change no shard). */
	set_text(&m, 20, "Common words and word20 here, zanzibarite.");
	CHECK(run_and_compare(&m, memo, &live, __LINE__) == 2);
	/* Three words dropped (one only it held goes empty): at most their three shards
	 * and the chunk. */
	set_text(&m, 20, "Common words here.");
	size_t puts = run_and_compare(&m, memo, &live, __LINE__);
	CHECK(puts >= 2 && puts <= 4);
	const struct strmap_entry *chunk0 = strmap_get(&live.files, "search-index/f/0.json", 21);
	CHECK(chunk0 && strstr(chunk0->ptr, "word05"));

	/* A heading is a field of its own. */
	struct page *p = m.pages[3];
	p->headings = xcalloc(2, sizeof *p->headings);
	p->headings[0] = xstrdup("Quasar setup");
	p->nheadings = 1;
	free(p->search_json);
	p->search_json = NULL;
	p->search_key = 0;
	CHECK(run_and_compare(&m, memo, &live, __LINE__) >= 1);

	/* A put that fails drops the memo: the next run makes every file again. */
	set_text(&m, 30, "Common words and a fresh word, xylograph.");
	live.fail_at = 2;
	live.puts = 0;
	CHECK(search_index(&m, "", memo, &(struct search_sink){put, keep, &live}, NULL, 0) < 0);
	live.fail_at = 0;
	CHECK(run_and_compare(&m, memo, &live, __LINE__) == 20);

	/* A new title moves ids: the whole index again, meta included. */
	free(m.pages[0]->title_owned);
	m.pages[0]->title = m.pages[0]->title_owned = xstrdup("Zulu page");
	free(m.pages[0]->search_json);
	m.pages[0]->search_json = NULL;
	m.pages[0]->search_key = 0;
	CHECK(run_and_compare(&m, memo, &live, __LINE__) >= 17);

	/* Two pages with one title: ids still follow site order, as in a full sort. */
	free(m.pages[5]->title_owned);
	m.pages[5]->title = m.pages[5]->title_owned = xstrdup("Page 06");
	free(m.pages[5]->search_json);
	m.pages[5]->search_json = NULL;
	m.pages[5]->search_key = 0;
	run_and_compare(&m, memo, &live, __LINE__);
	set_text(&m, 6, "Common words and word06, now edited."); /* two words in, one out */
	puts = run_and_compare(&m, memo, &live, __LINE__);
	CHECK(puts >= 2 && puts <= 4);

	/* Told which page changed (the preview server after a body edit): the same files as
	 * when every page is looked at, and as few. */
	run_and_compare(&m, memo, &live, __LINE__);
	set_text(&m, 25, "Common words and word25 here, quillwort.");
	CHECK(run_told(&m, memo, &live, &m.pages[25], 1, __LINE__) == 2);
	set_text(&m, 25, "Common words and word25 here.");
	set_text(&m, 26, "Common words and word26 here, quillwort.");
	struct page *two[] = {m.pages[25], m.pages[26]};
	puts = run_told(&m, memo, &live, two, 2, __LINE__);
	CHECK(puts >= 2 && puts <= 3);
	/* No other page is looked at: a change not told is not seen (until a run that is not
	 * told looks at every page). */
	set_text(&m, 27, "Common words and word27 here, yarrowroot.");
	live.puts = 0;
	CHECK(search_index(&m, "", memo, &(struct search_sink){put, keep, &live}, &m.pages[25], 1) == 0 && live.puts == 0);
	CHECK(run_and_compare(&m, memo, &live, __LINE__) == 2);
	/* A told page whose title changed moves ids: every file again. */
	free(m.pages[9]->title_owned);
	m.pages[9]->title = m.pages[9]->title_owned = xstrdup("Alpha page");
	set_text(&m, 9, "Common words.");
	CHECK(run_told(&m, memo, &live, &m.pages[9], 1, __LINE__) >= 17);
	/* A page object the memo's build did not have (same URL): looked at in full. */
	struct content other = {0};
	CHECK(content_add_generated(&other, "gen", m.pages[12]->url, m.pages[12]->title, "page", "x", NULL, "", NULL,
	                            0) == 0);
	struct page *old12 = m.pages[12];
	m.pages[12] = other.pages[0];
	m.pages[12]->index = 12;
	m.pages[12]->search_text = xstrdup("Common words and word12 here, and vellum.");
	CHECK(run_told(&m, memo, &live, &m.pages[12], 1, __LINE__) >= 1);
	other.pages[0] = old12;

	search_memo_free(memo);
	content_free(&other);
	store_release(&live);
	content_free(&m);
	return unit_done();
}
