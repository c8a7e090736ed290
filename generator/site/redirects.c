/* redirects: reading the redirect files, data/redirects/NAME.txt (see redirects.h). A line is
 *   OLD TARGET
 * OLD a URL path from the site's root, percent-encoded, maybe with one "?name=value"
 * (any other parameters of a request are ignored); TARGET a page's path, maybe with a
 * "#fragment". Blank lines and lines starting with '#' are skipped. */
#include "site/redirects.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/url.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* p[0..n) decoded ('+' as a space when plus), or -1 at a bad or NUL escape. */
static int decode(const char *p, size_t n, bool plus, char **out)
{
	struct buf raw = BUF_INIT, b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_putc(&raw, plus && p[i] == '+' ? ' ' : p[i]);
	bool ok = url_decode(raw.data ? raw.data : "", raw.len, &b, true);
	buf_release(&raw);
	*out = buf_detach(&b, NULL);
	return ok ? 0 : -1;
}

static int parse_line(struct redirects *r, const char *file, int line, char *s)
{
	char *save = NULL, *old = strtok_r(s, " \t\r", &save), *target = strtok_r(NULL, " \t\r", &save);
	if (!old || *old == '#')
		return 0;
	if (!target || strtok_r(NULL, " \t\r", &save))
		return error_at(file, line, "a redirect line is 'OLD-PATH TARGET' (two fields, spaces as %%20)");
	if (target[0] != '/' || old[0] != '/')
		return error_at(file, line, "'%s %s': both must be paths from the site's root, like /old/page/", old,
		                target);
	if (strchr(old, '#'))
		return error_at(file, line, "'%s': an old URL has no #fragment (browsers keep it to themselves)", old);
	char *q = strchr(old, '?'), *eq = q ? strchr(q, '=') : NULL, *hash = strchr(target, '#');
	/* the name becomes part of an nginx variable ($arg_title) */
	if (q && (!eq || eq == q + 1 || strchr(eq, '&') || strspn(q + 1, "abcdefghijklmnopqrstuvwxyz"
	          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != (size_t)(eq - q - 1)))
		return error_at(file, line, "'%s': the query must be one 'name=value' (a name of letters, digits, _)", old);
	struct redirect x = {file, line, NULL, NULL, NULL, NULL, NULL};
	int rc = decode(old, q ? (size_t)(q - old) : strlen(old), false, &x.path);
	if (q && rc == 0)
		rc = decode(q + 1, (size_t)(eq - q - 1), true, &x.param) || decode(eq + 1, strlen(eq + 1), true, &x.value)
		             ? -1 : 0;
	if (rc == 0)
		rc = decode(target, hash ? (size_t)(hash - target) : strlen(target), false, &x.target);
	if (rc == 0 && hash && hash[1])
		rc = decode(hash + 1, strlen(hash + 1), false, &x.frag);
	if (rc < 0) {
		error_at(file, line, "'%s %s' is not percent-encoded (a '%%' without two hex digits, or %%00)", old,
		         target);
		free(x.path);
		free(x.param);
		free(x.value);
		free(x.target);
		free(x.frag);
		return -1;
	}
	ALLOC_GROW(r->v, r->n + 1, r->cap);
	r->v[r->n++] = x;
	return 0;
}

struct load {
	struct redirects *r;
	const char *dir;
	int rc;
};

static int load_file(const char *rel, const struct stat *st, void *arg)
{
	struct load *l = arg;
	size_t n = strlen(rel);
	if (!S_ISREG(st->st_mode) || n < 4 || strcmp(rel + n - 4, ".txt"))
		return 0;
	char *path = xasprintf("%s/%s", l->dir, rel);
	struct buf text = BUF_INIT;
	ALLOC_GROW(l->r->files, l->r->nfiles + 1, l->r->capfiles);
	l->r->files[l->r->nfiles++] = path;
	if (fs_read_file(path, &text) < 0) {
		l->rc = -1;
		return 0;
	}
	int line = 0;
	for (char *s = text.data, *nl; s && *s; s = nl ? nl + 1 : NULL) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = 0;
		if (parse_line(l->r, path, ++line, s) < 0)
			l->rc = -1;
	}
	buf_release(&text);
	return 0;
}

int redirects_load(const char *dir, struct redirects *out)
{
	struct load l = {out, dir, 0};
	if (fs_is_dir(dir))
		fs_walk(dir, load_file, &l);
	return l.rc;
}

void redirects_release(struct redirects *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].path);
		free(r->v[i].param);
		free(r->v[i].value);
		free(r->v[i].target);
		free(r->v[i].frag);
	}
	free(r->v);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	memset(r, 0, sizeof *r);
}
