/* frontmatter: libyaml's event parser builds the value tree directly; no DOM of our own
 * beyond struct fm_value. */
#include "site/frontmatter.h"
#include "base/buf.h"
#include "base/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define FM_MAX_DEPTH 64

struct parser {
	yaml_parser_t yp;
	const char *file;
	int line0; /* line of the YAML text's first line in the file */
};

static const char *type_names[] = {"null", "boolean", "integer", "number", "string", "list", "map"};

const char *fm_type_name(enum fm_type t)
{
	return type_names[t];
}

static void fm_release(struct fm_value *v)
{
	free(v->str);
	for (size_t k = 0; k < v->n; k++) {
		fm_release(&v->items[k]);
		if (v->keys)
			free(v->keys[k]);
	}
	free(v->items);
	free(v->keys);
}

void fm_free(struct fm_value *v)
{
	if (!v)
		return;
	fm_release(v);
	free(v);
}

const struct fm_value *fm_get(const struct fm_value *v, const char *key)
{
	if (!v || v->type != FM_MAP)
		return NULL;
	for (size_t k = 0; k < v->n; k++)
		if (!strcmp(v->keys[k], key))
			return &v->items[k];
	return NULL;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool fm_same(const struct fm_value *a, const struct fm_value *b)
{
	/* The scalars' text decides their typed values, so it is all there is to compare. */
	if (a->type != b->type || a->line != b->line || a->n != b->n || !same_str(a->str, b->str))
		return false;
	for (size_t k = 0; k < a->n; k++)
		if ((a->keys && !same_str(a->keys[k], b->keys[k])) || !fm_same(&a->items[k], &b->items[k]))
			return false;
	return true;
}

static int line_of(struct parser *p, const yaml_event_t *ev)
{
	return p->line0 + (int)ev->start_mark.line;
}

static int next_event(struct parser *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&p->yp, ev)) {
		int line = p->line0 + (int)p->yp.problem_mark.line;
		return error_at(p->file, line, "invalid YAML: %s%s%s", p->yp.problem ? p->yp.problem : "syntax error",
		                p->yp.context ? " " : "", p->yp.context ? p->yp.context : "");
	}
	return 0;
}

static void classify_plain(struct fm_value *v)
{
	const char *s = v->str;
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
		v->type = FM_BOOL;
		v->b = true;
	} else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
		v->type = FM_BOOL;
		v->b = false;
	} else if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL")) {
		v->type = FM_NULL;
	} else {
		char *end;
		errno = 0;
		long long i = strtoll(s, &end, 10);
		if (!*end && errno == 0 && end != s) {
			v->type = FM_INT;
			v->i = i;
			v->f = (double)i;
			return;
		}
		double f = strtod(s, &end);
		if (!*end && end != s && strchr("+-.0123456789", s[0])) {
			v->type = FM_FLOAT;
			v->f = f;
			return;
		}
		v->type = FM_STRING;
	}
}

static int parse_node(struct parser *p, yaml_event_t *ev, struct fm_value *v, int depth);

/* Parses items until the matching end event; ev is the start event (consumed by caller). */
static int parse_collection(struct parser *p, struct fm_value *v, bool is_map, int depth)
{
	size_t cap = 0, key_cap = 0;
	int rc = -1;
	for (;;) {
		yaml_event_t ev;
		if (next_event(p, &ev) < 0)
			return -1;
		if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			/* Pages keep their front matter to the end of the build: without the
			 * growth's spare room (16 items at first) it is 2 KB a page less. */
			if (v->n < cap)
				v->items = xreallocarray(v->items, v->n, sizeof *v->items);
			if (v->n < key_cap)
				v->keys = xreallocarray(v->keys, v->n, sizeof *v->keys);
			return 0;
		}
		char *key = NULL;
		if (is_map) {
			if (ev.type != YAML_SCALAR_EVENT) {
				rc = error_at(p->file, line_of(p, &ev), "front matter keys must be plain text");
				yaml_event_delete(&ev);
				return rc;
			}
			key = xstrndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
			for (size_t k = 0; k < v->n; k++)
				if (!strcmp(v->keys[k], key)) {
					rc = error_at(p->file, line_of(p, &ev), "duplicate key '%s'", key);
					free(key);
					yaml_event_delete(&ev);
					return rc;
				}
			yaml_event_delete(&ev);
			if (next_event(p, &ev) < 0) {
				free(key);
				return -1;
			}
		}
		ALLOC_GROW(v->items, v->n + 1, cap);
		if (is_map)
			ALLOC_GROW(v->keys, v->n + 1, key_cap);
		struct fm_value *item = &v->items[v->n];
		memset(item, 0, sizeof *item);
		if (is_map)
			v->keys[v->n] = key;
		v->n++;
		rc = parse_node(p, &ev, item, depth + 1);
		yaml_event_delete(&ev);
		if (rc < 0)
			return -1;
	}
}

static int parse_node(struct parser *p, yaml_event_t *ev, struct fm_value *v, int depth)
{
	v->line = line_of(p, ev);
	if (depth > FM_MAX_DEPTH)
		return error_at(p->file, v->line, "front matter nested deeper than %d levels", FM_MAX_DEPTH);
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return error_at(p->file, v->line, "YAML aliases are not allowed in front matter");
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor)
			return error_at(p->file, v->line, "YAML anchors are not allowed in front matter");
		v->str = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag)
			classify_plain(v);
		else
			v->type = FM_STRING;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor)
			return error_at(p->file, v->line, "YAML anchors are not allowed in front matter");
		v->type = FM_LIST;
		return parse_collection(p, v, false, depth);
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor)
			return error_at(p->file, v->line, "YAML anchors are not allowed in front matter");
		v->type = FM_MAP;
		return parse_collection(p, v, true, depth);
	default:
		return error_at(p->file, v->line, "unexpected YAML structure");
	}
}

int frontmatter_parse_yaml(const char *file, const char *src, size_t len, int first_line,
                           struct fm_value **out)
{
	struct parser p = {.file = file, .line0 = first_line};
	struct fm_value *root = xcalloc(1, sizeof *root);
	root->type = FM_MAP;
	root->line = first_line;
	int rc = -1;
	yaml_parser_initialize(&p.yp);
	yaml_parser_set_input_string(&p.yp, (const unsigned char *)src, len);
	yaml_parser_set_encoding(&p.yp, YAML_UTF8_ENCODING);
	bool have_doc = false;
	for (;;) {
		yaml_event_t ev;
		if (next_event(&p, &ev) < 0)
			goto out;
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (t == YAML_DOCUMENT_START_EVENT && have_doc) {
			error_at(file, line_of(&p, &ev), "more than one YAML document");
			yaml_event_delete(&ev);
			goto out;
		}
		if (t == YAML_DOCUMENT_START_EVENT)
			have_doc = true;
		if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT || t == YAML_SCALAR_EVENT ||
		    t == YAML_ALIAS_EVENT) {
			if (t == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
			    ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
				yaml_event_delete(&ev); /* empty document */
				continue;
			}
			if (t != YAML_MAPPING_START_EVENT) {
				error_at(file, line_of(&p, &ev), "front matter must be a map of keys to values");
				yaml_event_delete(&ev);
				goto out;
			}
			int r = parse_node(&p, &ev, root, 0);
			yaml_event_delete(&ev);
			if (r < 0)
				goto out;
			continue;
		}
		yaml_event_delete(&ev);
	}
	rc = 0;
out:
	yaml_parser_delete(&p.yp);
	if (rc < 0) {
		fm_free(root);
		root = NULL;
	}
	*out = root;
	return rc;
}

/* Length of the line at p (without its newline) and whether it is a fence "---". */
static bool is_fence(const char *p, size_t n, const char *fence)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	return n == 3 && !memcmp(p, fence, 3);
}

int frontmatter_parse(const char *file, const char *src, size_t len, struct fm_value **out,
                      size_t *body_off, int *body_line)
{
	size_t off = 0;
	if (len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3))
		off = 3; /* BOM */
	const char *nl = memchr(src + off, '\n', len - off);
	size_t first = nl ? (size_t)(nl - src) - off : len - off;
	if (!is_fence(src + off, first, "---")) {
		*out = xcalloc(1, sizeof **out);
		(*out)->type = FM_MAP;
		*body_off = off;
		*body_line = 1;
		return 0;
	}
	size_t yaml_start = nl ? (size_t)(nl - src) + 1 : len;
	size_t pos = yaml_start;
	int line = 2;
	while (pos < len) {
		const char *e = memchr(src + pos, '\n', len - pos);
		size_t n = e ? (size_t)(e - src) - pos : len - pos;
		if (is_fence(src + pos, n, "---") || is_fence(src + pos, n, "...")) {
			if (frontmatter_parse_yaml(file, src + yaml_start, pos - yaml_start, 2, out) < 0)
				return -1;
			*body_off = e ? (size_t)(e - src) + 1 : len;
			*body_line = line + 1;
			return 0;
		}
		pos = e ? (size_t)(e - src) + 1 : len;
		line++;
	}
	*out = NULL;
	return error_at(file, 1, "unclosed front matter: no closing '---' line");
}
