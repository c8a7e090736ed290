/* fs_test: path safety (fs_rel_is_safe, fs_join_safe) and overlap of inputs and outputs
 * (fs_overlap), on a scratch folder. */
#include "base/buf.h"
#include "base/fs.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

static bool safe(const char *rel)
{
	return fs_rel_is_safe(rel, strlen(rel));
}

int main(void)
{
	CHECK(safe("a"));
	CHECK(safe("docs/sets/index.html"));
	CHECK(safe("dir/"));
	CHECK(safe("..a/b..")); /* dots inside a name are a name */
	CHECK(!safe(""));
	CHECK(!safe("/etc/passwd"));
	CHECK(!safe(".."));
	CHECK(!safe("../x"));
	CHECK(!safe("a/../../x"));
	CHECK(!safe("a/.."));
	CHECK(!safe("a//b"));
	CHECK(!safe("a\\b"));
	CHECK(!fs_rel_is_safe("a\0/../../x", 10)); /* a NUL inside the length */

	struct buf b = BUF_INIT;
	CHECK(fs_join_safe(&b, "out", "docs/index.html") == 0);
	CHECK_STR(b.data, "out/docs/index.html");
	buf_reset(&b);
	CHECK(fs_join_safe(&b, "out", "../escape") < 0);
	buf_release(&b);

	char dir[] = "/tmp/fs_test.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *in = xasprintf("%s/in.sqlite", dir), *ln = xasprintf("%s/hard.sqlite", dir);
	char *sub = xasprintf("%s/sub", dir), *other = xasprintf("%s/other", dir);
	char *via = xasprintf("%s/sub/../in.sqlite", dir), *missing = xasprintf("%s/sub/new/out", dir);
	CHECK(fs_write_atomic(in, "x", 1) == 0);
	CHECK(link(in, ln) == 0);
	CHECK(fs_mkdirs(sub) == 0 && fs_mkdirs(other) == 0);
	CHECK(fs_overlap(in, in));
	CHECK(fs_overlap(in, via));      /* the same file by another path */
	CHECK(fs_overlap(in, ln));       /* a hard link */
	CHECK(fs_overlap(dir, in));      /* inside the folder */
	CHECK(fs_overlap(missing, sub)); /* not there yet, but would be inside */
	CHECK(!fs_overlap(sub, other));
	CHECK(!fs_overlap(in, other));
	CHECK(fs_remove_tree(dir) == 0 && !fs_exists(dir));
	free(in);
	free(ln);
	free(sub);
	free(other);
	free(via);
	free(missing);
	return unit_done();
}
