/* output_test: the output folder as a transaction (site/output.h) driven directly:
 * nothing shows in DEST before the commit, an abort leaves it as it was, unchanged files
 * are kept, stale ones go, and what nfsite did not write is moved, never lost. */
#include "base/buf.h"
#include "base/fs.h"
#include "site/output.h"
#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

static char *dest;

static char *read_rel(const char *rel)
{
	char *p = xasprintf("%s/%s", dest, rel);
	struct buf b = BUF_INIT;
	char *s = fs_read_file(p, &b) == 0 ? buf_detach(&b, NULL) : NULL;
	buf_release(&b);
	free(p);
	return s;
}

#define CHECK_FILE(rel, want)                    \
	do {                                     \
		char *got_ = read_rel(rel);      \
		CHECK_STR(got_, want);           \
		free(got_);                      \
	} while (0)

static void put(const char *rel, const char *data)
{
	char *p = xasprintf("%s/%s", dest, rel);
	CHECK(fs_write_atomic(p, data, strlen(data)) == 0);
	free(p);
}

int main(void)
{
	char dir[] = "/tmp/output_test.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	dest = xasprintf("%s/public", dir);
	struct output_stats st;

	/* First build: into a folder that does not exist yet. */
	int lock = output_lock(dest);
	CHECK(lock >= 0);
	struct output *o = output_begin(dest, lock, false, NULL);
	CHECK(o != NULL);
	CHECK(output_write(o, "index.html", "home 1", 6, NULL) == 0);
	CHECK(output_write(o, "docs/a/index.html", "a 1", 3, NULL) == 0);
	CHECK(output_write(o, "old.html", "old", 3, NULL) == 0);
	CHECK(output_write(o, "../escape", "x", 1, "evil") < 0);
	CHECK(output_prepare(o, &st) == 0 && st.written == 3);
	CHECK(!fs_exists(dest)); /* nothing is public before the commit */
	CHECK(output_commit(o, NULL) == 0);
	CHECK_FILE("index.html", "home 1");
	CHECK_FILE("docs/a/index.html", "a 1");
	CHECK(output_intact(dest, &(size_t){0}));

	/* Second build: one change, one file gone, one kept; a CNAME nfsite did not write. */
	put("CNAME", "example.org");
	o = output_begin(dest, lock, false, NULL);
	CHECK(o != NULL);
	CHECK(output_kept(o, "docs/a/index.html"));
	CHECK(output_keep(o, "docs/a/index.html", "a.md") == 0);
	CHECK(output_write(o, "index.html", "home 2", 6, NULL) == 0);
	CHECK(output_prepare(o, &st) == 0);
	CHECK(st.written == 1 && st.unchanged == 1 && st.removed == 1);
	CHECK_FILE("index.html", "home 1"); /* still the old site */
	CHECK(output_commit(o, NULL) == 0);
	CHECK_FILE("index.html", "home 2");
	CHECK_FILE("docs/a/index.html", "a 1");
	CHECK_FILE("CNAME", "example.org");
	CHECK(read_rel("old.html") == NULL);

	/* An aborted build changes nothing. */
	o = output_begin(dest, lock, false, NULL);
	CHECK(o != NULL);
	CHECK(output_write(o, "index.html", "home 3", 6, NULL) == 0);
	output_abort(o);
	CHECK_FILE("index.html", "home 2");
	CHECK_FILE("CNAME", "example.org");

	/* The site now writes CNAME itself: the old one is kept aside. */
	o = output_begin(dest, lock, false, NULL);
	CHECK(o != NULL);
	CHECK(output_write(o, "index.html", "home 2", 6, NULL) == 0);
	CHECK(output_write(o, "CNAME", "site.example", 12, NULL) == 0);
	CHECK(output_prepare(o, &st) == 0 && output_commit(o, NULL) == 0);
	CHECK_FILE("CNAME", "site.example");
	char *aside = xasprintf("%s/.public.nfsite/rescued/CNAME", dir);
	struct buf b = BUF_INIT;
	CHECK(fs_read_file(aside, &b) == 0);
	CHECK_STR(b.data, "example.org");
	buf_release(&b);
	free(aside);

	/* Two paths that one case-insensitive file system takes for one are refused. */
	o = output_begin(dest, lock, false, NULL);
	CHECK(o != NULL);
	CHECK(output_write(o, "Page.html", "1", 1, "a.md") == 0);
	CHECK(output_write(o, "page.html", "2", 1, "b.md") == 0);
	CHECK(output_prepare(o, &st) < 0);
	output_abort(o);

	/* With trusted manifests and a memo, three builds in a row: each begins from what
	 * the last commit left in memory, the manifest files unread, and counts as the disk
	 * would tell; a build that fails leaves the memo empty, so the next reads the disk. */
	struct output_memo *memo = output_memo_new();
	for (int round = 0; round < 3; round++) {
		/* Proof that the memo, not the file, is read: the file is away meanwhile. */
		char *m = xasprintf("%s/.nfsite-manifest", dest), *away = xasprintf("%s.away", m);
		if (round == 2)
			CHECK(rename(m, away) == 0);
		o = output_begin(dest, lock, true, memo);
		CHECK(o != NULL);
		if (round == 2)
			CHECK(rename(away, m) == 0);
		free(m);
		free(away);
		char home[16];
		snprintf(home, sizeof home, "home m%d", round);
		CHECK(output_write(o, "index.html", home, strlen(home), NULL) == 0);
		if (round) {
			CHECK(output_kept(o, "docs/b/index.html"));
			CHECK(output_keep(o, "docs/b/index.html", "b.md") == 0);
		} else {
			CHECK(output_write(o, "docs/b/index.html", "b 1", 3, NULL) == 0);
		}
		CHECK(output_prepare(o, &st) == 0);
		CHECK(st.written == (round ? 1u : 2u) && st.unchanged == (round ? 1u : 0u));
		CHECK(st.removed == (round ? 0u : 1u)); /* the CNAME the last site wrote */
		CHECK(output_commit(o, memo) == 0);
		CHECK_FILE("index.html", home);
		CHECK_FILE("docs/b/index.html", "b 1");
	}
	o = output_begin(dest, lock, true, memo);
	CHECK(o != NULL && output_write(o, "index.html", "x", 1, NULL) == 0);
	output_abort(o);
	o = output_begin(dest, lock, true, memo); /* from the disk again */
	CHECK(o != NULL && output_kept(o, "docs/b/index.html") && !output_kept(o, "docs/a/index.html"));
	output_abort(o);
	output_memo_free(memo);

	output_unlock(lock);
	CHECK(fs_remove_tree(dir) == 0);
	free(dest);
	return unit_done();
}
