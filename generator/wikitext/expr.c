/* expr: the #expr and #ifexpr evaluator of ParserFunctions. Apart from expand.c
 * because it is a closed piece: a string in, a number out, no context, no wiki. */
#include "wikitext/internal.h"

#include <math.h>
#include <stdlib.h>

/* ---- #expr: a small evaluator (numbers, + - * / div mod ^, comparisons, and/or/not,
 * round, unary functions, parentheses), bounded in depth ---- */

struct expr {
	const char *s;
	size_t i, n;
	int depth;
	bool err;
};

static double ex_or(struct expr *e);

static void ex_ws(struct expr *e)
{
	while (e->i < e->n && is_ws((unsigned char)e->s[e->i]))
		e->i++;
}

static bool ex_word(struct expr *e, const char *w)
{
	ex_ws(e);
	size_t k = strlen(w);
	if (e->i + k <= e->n && !strncasecmp(e->s + e->i, w, k) &&
	    (isalpha((unsigned char)w[0]) ? (e->i + k == e->n || !isalpha((unsigned char)e->s[e->i + k])) : true)) {
		e->i += k;
		return true;
	}
	return false;
}

static double ex_unary(struct expr *e)
{
	if (++e->depth > 100) {
		e->err = true;
		return 0;
	}
	double v = 0;
	ex_ws(e);
	if (ex_word(e, "-"))
		v = -ex_unary(e);
	else if (ex_word(e, "+"))
		v = ex_unary(e);
	else if (ex_word(e, "not"))
		v = ex_unary(e) == 0;
	else if (ex_word(e, "abs"))
		v = fabs(ex_unary(e));
	else if (ex_word(e, "floor"))
		v = floor(ex_unary(e));
	else if (ex_word(e, "ceil"))
		v = ceil(ex_unary(e));
	else if (ex_word(e, "trunc"))
		v = trunc(ex_unary(e));
	else if (ex_word(e, "(")) {
		v = ex_or(e);
		if (!ex_word(e, ")"))
			e->err = true;
	} else if (ex_word(e, "pi"))
		v = M_PI;
	else if (e->i < e->n && (isdigit((unsigned char)e->s[e->i]) || e->s[e->i] == '.')) {
		char tmp[64];
		size_t k = 0;
		while (e->i < e->n && k < 63 &&
		       (isdigit((unsigned char)e->s[e->i]) || e->s[e->i] == '.'))
			tmp[k++] = e->s[e->i++];
		tmp[k] = 0;
		v = strtod(tmp, NULL);
	} else
		e->err = true;
	e->depth--;
	return v;
}

static double ex_pow(struct expr *e)
{
	double v = ex_unary(e);
	while (!e->err) {
		if (ex_word(e, "^"))
			v = pow(v, ex_unary(e));
		else if (ex_word(e, "e") && e->i < e->n)
			v = v * pow(10, ex_unary(e));
		else
			break;
	}
	return v;
}

static double ex_mul(struct expr *e)
{
	double v = ex_pow(e);
	while (!e->err) {
		if (ex_word(e, "*"))
			v *= ex_pow(e);
		else if (ex_word(e, "/") || ex_word(e, "div")) {
			double d = ex_pow(e);
			if (d == 0)
				e->err = true;
			else
				v /= d;
		} else if (ex_word(e, "mod")) {
			double d = ex_pow(e);
			long long a = (long long)v, b = (long long)d;
			if (b == 0)
				e->err = true;
			else
				v = (double)(a % b);
		} else
			break;
	}
	return v;
}

static double ex_add(struct expr *e)
{
	double v = ex_mul(e);
	while (!e->err) {
		if (ex_word(e, "+"))
			v += ex_mul(e);
		else if (ex_word(e, "-"))
			v -= ex_mul(e);
		else
			break;
	}
	return v;
}

static double ex_round(struct expr *e)
{
	double v = ex_add(e);
	while (!e->err && ex_word(e, "round")) {
		double d = ex_add(e), f = pow(10, trunc(d));
		v = round(v * f) / f;
	}
	return v;
}

static double ex_cmp(struct expr *e)
{
	double v = ex_round(e);
	while (!e->err) {
		if (ex_word(e, "<="))
			v = v <= ex_round(e);
		else if (ex_word(e, ">="))
			v = v >= ex_round(e);
		else if (ex_word(e, "!=") || ex_word(e, "<>"))
			v = v != ex_round(e);
		else if (ex_word(e, "="))
			v = v == ex_round(e);
		else if (ex_word(e, "<"))
			v = v < ex_round(e);
		else if (ex_word(e, ">"))
			v = v > ex_round(e);
		else
			break;
	}
	return v;
}

static double ex_and(struct expr *e)
{
	double v = ex_cmp(e);
	while (!e->err && ex_word(e, "and")) {
		double w = ex_cmp(e);
		v = v != 0 && w != 0;
	}
	return v;
}

static double ex_or(struct expr *e)
{
	double v = ex_and(e);
	while (!e->err && ex_word(e, "or")) {
		double w = ex_and(e);
		v = v != 0 || w != 0;
	}
	return v;
}

/* Returns 0 and *v, or -1 for a syntax error. An empty expression is 0 (#ifexpr: false). */
int wt_expr_eval(const char *s, size_t n, double *v)
{
	struct expr e = {s, 0, n, 0, false};
	ex_ws(&e);
	if (e.i == n) {
		*v = 0;
		return 0;
	}
	*v = ex_or(&e);
	ex_ws(&e);
	if (e.err || e.i != n || isnan(*v))
		return -1;
	return 0;
}

void wt_fmt_number(double v, struct buf *out)
{
	if (isinf(v)) {
		buf_puts(out, v < 0 ? "-INF" : "INF");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15)
		buf_printf(out, "%.0f", v == 0 ? 0.0 : v);
	else
		buf_printf(out, "%.14g", v);
}

