/* suggest_test: the edit distance (swaps count once) and which names are near enough. */
#include "base/suggest.h"
#include "unit.h"

static const char *nearest(const char *word, const char *const *names)
{
	struct suggest s = SUGGEST_INIT(word);
	for (; *names; names++)
		suggest_try(&s, *names);
	return s.best ? s.best : "";
}

int main(void)
{
	CHECK(suggest_distance("", "") == 0);
	CHECK(suggest_distance("abc", "") == 3);
	CHECK(suggest_distance("kitten", "sitting") == 3);
	CHECK(suggest_distance("wieght", "weight") == 1); /* a swap is one edit */
	CHECK(suggest_distance("titel", "title") == 1);
	CHECK(suggest_distance("basurl", "base_url") == 2);

	static const char *const keys[] = {"title", "weight", "base_url", "date", "draft", NULL};
	CHECK_STR(nearest("titel", keys), "title");
	CHECK_STR(nearest("wieght", keys), "weight");
	CHECK_STR(nearest("basurl", keys), "base_url");
	CHECK_STR(nearest("title", keys), "");  /* a known name is no typo */
	CHECK_STR(nearest("x", keys), "");      /* too short to guess */
	CHECK_STR(nearest("author", keys), ""); /* too far */
	static const char *const cmds[] = {"build", "serve", "check", "import", NULL};
	CHECK_STR(nearest("biuld", cmds), "build");
	CHECK_STR(nearest("serv", cmds), "serve");
	return unit_done();
}
