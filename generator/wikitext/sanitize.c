/* sanitize: what MediaWiki's Sanitizer decides, in one place: which character references
 * are valid, which elements may be written as HTML, which attributes they keep and what
 * CSS is safe. Apart from the inline and block phases because both write HTML and the
 * page is untrusted input: one list to audit, whoever writes the tag. */
#include "wikitext/internal.h"
#include "base/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- HTML entities: MediaWiki accepts HTML 4's list plus &apos; ---- */

struct entity {
	const char *name;
	unsigned cp;
};

static const struct entity entities[] = {
	{"AElig", 198}, {"Aacute", 193}, {"Acirc", 194}, {"Agrave", 192}, {"Alpha", 913},
	{"Aring", 197}, {"Atilde", 195}, {"Auml", 196}, {"Beta", 914}, {"Ccedil", 199}, {"Chi",
	935}, {"Dagger", 8225}, {"Delta", 916}, {"ETH", 208}, {"Eacute", 201}, {"Ecirc", 202},
	{"Egrave", 200}, {"Epsilon", 917}, {"Eta", 919}, {"Euml", 203}, {"Gamma", 915},
	{"Iacute", 205}, {"Icirc", 206}, {"Igrave", 204}, {"Iota", 921}, {"Iuml", 207},
	{"Kappa", 922}, {"Lambda", 923}, {"Mu", 924}, {"Ntilde", 209}, {"Nu", 925}, {"OElig",
	338}, {"Oacute", 211}, {"Ocirc", 212}, {"Ograve", 210}, {"Omega", 937}, {"Omicron",
	927}, {"Oslash", 216}, {"Otilde", 213}, {"Ouml", 214}, {"Phi", 934}, {"Pi", 928},
	{"Prime", 8243}, {"Psi", 936}, {"Rho", 929}, {"Scaron", 352}, {"Sigma", 931}, {"THORN",
	222}, {"Tau", 932}, {"Theta", 920}, {"Uacute", 218}, {"Ucirc", 219}, {"Ugrave", 217},
	{"Upsilon", 933}, {"Uuml", 220}, {"Xi", 926}, {"Yacute", 221}, {"Yuml", 376}, {"Zeta",
	918}, {"aacute", 225}, {"acirc", 226}, {"acute", 180}, {"aelig", 230}, {"agrave", 224},
	{"alefsym", 8501}, {"alpha", 945}, {"amp", 38}, {"and", 8743}, {"ang", 8736}, {"apos",
	39}, {"aring", 229}, {"asymp", 8776}, {"atilde", 227}, {"auml", 228}, {"bdquo", 8222},
	{"beta", 946}, {"brvbar", 166}, {"bull", 8226}, {"cap", 8745}, {"ccedil", 231},
	{"cedil", 184}, {"cent", 162}, {"chi", 967}, {"circ", 710}, {"clubs", 9827}, {"cong",
	8773}, {"copy", 169}, {"crarr", 8629}, {"cup", 8746}, {"curren", 164}, {"dArr", 8659},
	{"dagger", 8224}, {"darr", 8595}, {"deg", 176}, {"delta", 948}, {"diams", 9830},
	{"divide", 247}, {"eacute", 233}, {"ecirc", 234}, {"egrave", 232}, {"empty", 8709},
	{"emsp", 8195}, {"ensp", 8194}, {"epsilon", 949}, {"equiv", 8801}, {"eta", 951}, {"eth",
	240}, {"euml", 235}, {"euro", 8364}, {"exist", 8707}, {"fnof", 402}, {"forall", 8704},
	{"frac12", 189}, {"frac14", 188}, {"frac34", 190}, {"frasl", 8260}, {"gamma", 947},
	{"ge", 8805}, {"gt", 62}, {"hArr", 8660}, {"harr", 8596}, {"hearts", 9829}, {"hellip",
	8230}, {"iacute", 237}, {"icirc", 238}, {"iexcl", 161}, {"igrave", 236}, {"image",
	8465}, {"infin", 8734}, {"int", 8747}, {"iota", 953}, {"iquest", 191}, {"isin", 8712},
	{"iuml", 239}, {"kappa", 954}, {"lArr", 8656}, {"lambda", 955}, {"lang", 9001},
	{"laquo", 171}, {"larr", 8592}, {"lceil", 8968}, {"ldquo", 8220}, {"le", 8804},
	{"lfloor", 8970}, {"lowast", 8727}, {"loz", 9674}, {"lrm", 8206}, {"lsaquo", 8249},
	{"lsquo", 8216}, {"lt", 60}, {"macr", 175}, {"mdash", 8212}, {"micro", 181}, {"middot",
	183}, {"minus", 8722}, {"mu", 956}, {"nabla", 8711}, {"nbsp", 160}, {"ndash", 8211},
	{"ne", 8800}, {"ni", 8715}, {"not", 172}, {"notin", 8713}, {"nsub", 8836}, {"ntilde",
	241}, {"nu", 957}, {"oacute", 243}, {"ocirc", 244}, {"oelig", 339}, {"ograve", 242},
	{"oline", 8254}, {"omega", 969}, {"omicron", 959}, {"oplus", 8853}, {"or", 8744},
	{"ordf", 170}, {"ordm", 186}, {"oslash", 248}, {"otilde", 245}, {"otimes", 8855},
	{"ouml", 246}, {"para", 182}, {"part", 8706}, {"permil", 8240}, {"perp", 8869}, {"phi",
	966}, {"pi", 960}, {"piv", 982}, {"plusmn", 177}, {"pound", 163}, {"prime", 8242},
	{"prod", 8719}, {"prop", 8733}, {"psi", 968}, {"quot", 34}, {"rArr", 8658}, {"radic",
	8730}, {"rang", 9002}, {"raquo", 187}, {"rarr", 8594}, {"rceil", 8969}, {"rdquo", 8221},
	{"real", 8476}, {"reg", 174}, {"rfloor", 8971}, {"rho", 961}, {"rlm", 8207}, {"rsaquo",
	8250}, {"rsquo", 8217}, {"sbquo", 8218}, {"scaron", 353}, {"sdot", 8901}, {"sect", 167},
	{"shy", 173}, {"sigma", 963}, {"sigmaf", 962}, {"sim", 8764}, {"spades", 9824}, {"sub",
	8834}, {"sube", 8838}, {"sum", 8721}, {"sup", 8835}, {"sup1", 185}, {"sup2", 178},
	{"sup3", 179}, {"supe", 8839}, {"szlig", 223}, {"tau", 964}, {"there4", 8756}, {"theta",
	952}, {"thetasym", 977}, {"thinsp", 8201}, {"thorn", 254}, {"tilde", 732}, {"times",
	215}, {"trade", 8482}, {"uArr", 8657}, {"uacute", 250}, {"uarr", 8593}, {"ucirc", 251},
	{"ugrave", 249}, {"uml", 168}, {"upsih", 978}, {"upsilon", 965}, {"uuml", 252},
	{"weierp", 8472}, {"xi", 958}, {"yacute", 253}, {"yen", 165}, {"yuml", 255}, {"zeta",
	950}, {"zwj", 8205}, {"zwnj", 8204}
};

static int entity_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct entity *)e)->name);
}

static bool valid_cp(unsigned long cp)
{
	return cp == 9 || cp == 10 || cp == 13 || (cp >= 0x20 && cp <= 0xd7ff) ||
	       (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/* Recognises a valid character reference at s (s[0] == '&'). Returns its length and
 * sets *cp, or 0 when it is not one MediaWiki accepts. */
size_t wt_entity_at(const char *s, size_t n, unsigned *cp)
{
	if (n < 3 || s[0] != '&')
		return 0;
	size_t i = 1;
	if (s[1] == '#') {
		unsigned long v = 0;
		bool hex = i + 1 < n && (s[2] == 'x' || s[2] == 'X');
		i = hex ? 3 : 2;
		size_t d0 = i;
		while (i < n && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))) {
			if (v < 0x110000)
				v = v * (hex ? 16 : 10) +
				    (unsigned long)(isdigit((unsigned char)s[i]) ? s[i] - '0'
				                                                : (tolower((unsigned char)s[i]) - 'a' + 10));
			i++;
		}
		if (i == d0 || i >= n || s[i] != ';' || !valid_cp(v))
			return 0;
		*cp = (unsigned)v;
		return i + 1;
	}
	while (i < n && i < 12 && isalnum((unsigned char)s[i]))
		i++;
	if (i == 1 || i >= n || s[i] != ';')
		return 0;
	char name[16];
	memcpy(name, s + 1, i - 1);
	name[i - 1] = 0;
	const struct entity *e = bsearch(name, entities, sizeof entities / sizeof *entities,
	                                 sizeof *entities, entity_cmp);
	if (!e)
		return 0;
	*cp = e->cp;
	return i + 1;
}

/* Appends s with valid character references decoded to UTF-8. */
void wt_decode_entities(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t l = s[i] == '&' ? wt_entity_at(s + i, n - i, &cp) : 0;
		if (l) {
			utf8_encode((int32_t)cp, out);
			i += l;
		} else {
			buf_putc(out, s[i++]);
		}
	}
}

/* ---- elements: which may be written as HTML, and which of those are blocks ---- */

static const char *const allowed_tags[] = {
	"b", "bdi", "del", "i", "ins", "u", "font", "big", "small", "sub", "sup", "h1", "h2",
	"h3", "h4", "h5", "h6", "cite", "code", "em", "s", "strike", "strong", "tt", "var",
	"div", "center", "blockquote", "ol", "ul", "dl", "table", "caption", "ruby", "rb", "rp",
	"rt", "rtc", "p", "span", "abbr", "dfn", "kbd", "samp", "data", "time", "mark", "br",
	"wbr", "hr", "li", "dt", "dd", "tr", "td", "th", "q", "bdo", NULL
};

static const char *const block_tags[] = {
	"div", "center", "blockquote", "ol", "ul", "dl", "table", "caption", "p", "h1", "h2",
	"h3", "h4", "h5", "h6", "hr", "li", "dt", "dd", "tr", "td", "th", NULL
};

static bool in_list(const char *const *list, const char *s, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (name_is(s, n, list[i]))
			return true;
	return false;
}

bool wt_tag_allowed(const char *s, size_t n)
{
	return in_list(allowed_tags, s, n);
}

bool wt_tag_is_block(const char *s, size_t n)
{
	return in_list(block_tags, s, n);
}

/* An attribute value, to stand between double quotes: markup characters as references,
 * line breaks and tabs as spaces. */
static void put_attr_value(struct buf *o, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		switch (ch) {
		case '&': buf_puts(o, "&amp;"); break;
		case '<': buf_puts(o, "&lt;"); break;
		case '>': buf_puts(o, "&gt;"); break;
		case '"': buf_puts(o, "&quot;"); break;
		case '\'': buf_puts(o, "&#39;"); break;
		case '|': buf_puts(o, "&#124;"); break;
		case '\n': case '\t': case '\x7f': buf_putc(o, ' '); break;
		default: buf_putc(o, ch); break;
		}
	}
}

/* ---- HTML attributes and CSS, as MediaWiki's Sanitizer ---- */

static bool attr_allowed(const char *el, const char *a)
{
	static const char *const common[] = {
		"id", "class", "style", "lang", "dir", "title", "role", "aria-describedby",
		"aria-flowto", "aria-hidden", "aria-label", "aria-labelledby", "aria-owns", "itemid",
		"itemprop", "itemref", "itemscope", "itemtype", NULL
	};
	for (size_t i = 0; common[i]; i++)
		if (!strcmp(a, common[i]))
			return true;
	if (!strncmp(a, "data-", 5) && a[5] && strncmp(a, "data-ooui", 9) && strncmp(a, "data-mw", 7)) {
		for (const char *p = a; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
				return false;
		return true;
	}
	static const struct {
		const char *el, *attrs;
	} extra[] = {
		{"div", " align "}, {"p", " align "}, {"center", " align "}, {"caption", " align "},
		{"h1", " align "}, {"h2", " align "}, {"h3", " align "}, {"h4", " align "},
		{"h5", " align "}, {"h6", " align "}, {"blockquote", " cite "}, {"q", " cite "},
		{"del", " cite datetime "}, {"ins", " cite datetime "}, {"time", " datetime "},
		{"data", " value "}, {"font", " size color face "}, {"hr", " width "},
		{"br", " clear "}, {"ol", " type start reversed "}, {"ul", " type "},
		{"li", " type value "},
		{"table", " summary width border frame rules cellspacing cellpadding align bgcolor "},
		{"tr", " bgcolor align valign "},
		{"td", " abbr axis headers scope rowspan colspan nowrap width height bgcolor align valign "},
		{"th", " abbr axis headers scope rowspan colspan nowrap width height bgcolor align valign "},
	};
	for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
		if (!strcmp(el, extra[i].el)) {
			char k[80];
			snprintf(k, sizeof k, " %s ", a);
			return strstr(extra[i].attrs, k) != NULL;
		}
	return false;
}

/* MediaWiki's Sanitizer::checkCss: decode, strip comments, refuse what can load or run
 * anything. Appends the safe value or "/ * insecure input * /". */
static void css_sanitize(const char *v, size_t n, struct buf *out)
{
	struct buf d = BUF_INIT, low = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch == '\\' && i + 1 < n) {
			size_t j = i + 1, k = 0;
			unsigned long cp = 0;
			while (j < n && k < 6 && isxdigit((unsigned char)v[j])) {
				cp = cp * 16 + (unsigned long)(isdigit((unsigned char)v[j]) ? v[j] - '0' : tolower((unsigned char)v[j]) - 'a' + 10);
				j++;
				k++;
			}
			if (k) {
				if (j < n && is_ws((unsigned char)v[j]))
					j++;
				utf8_encode(valid_cp(cp) ? (int32_t)cp : 0xfffd, &d);
				i = j - 1;
			} else if (v[i + 1] == '\n') {
				i++;
			} else {
				buf_putc(&d, v[++i]);
			}
			continue;
		}
		if (ch == '/' && i + 1 < n && v[i + 1] == '*') {
			const char *e = strstr(v + i + 2, "*/");
			if (!e || (size_t)(e - v) >= n)
				break;
			i = (size_t)(e - v) + 1;
			continue;
		}
		buf_putc(&d, ch);
	}
	/* lowercase, fullwidth ASCII folded, whitespace removed, for the checks */
	for (size_t i = 0; i < d.len; i++) {
		unsigned char ch = (unsigned char)d.data[i];
		int32_t cp;
		if (ch == 0xef && utf8_decode(d.data + i, d.len - i, &cp) == 3 && cp >= 0xff01 &&
		    cp <= 0xff5e) {
			buf_putc(&low, tolower((int)(cp - 0xff01 + 0x21)));
			i += 2;
			continue;
		}
		if (!is_ws(ch))
			buf_putc(&low, tolower(ch));
	}
	static const char *const bad[] = {
		"expression", "filter:", "accelerator:", "-o-link:", "-o-link-source:", "-o-replace:",
		"url(", "image(", "image-set(", "attr(", "behavior:", "behaviour:", "javascript:",
		"vbscript:", "@import", NULL
	};
	bool insecure = false;
	for (size_t i = 0; bad[i]; i++)
		if (strstr(low.data, bad[i]))
			insecure = true;
	if (memchr(d.data, '\\', d.len) || memchr(d.data, '<', d.len))
		insecure = true;
	if (insecure)
		buf_puts(out, "/* insecure input */");
	else
		buf_add(out, d.data, d.len);
	buf_release(&d);
	buf_release(&low);
}

/* Reads the value of an attribute, *i being just past its '=': white space, then a value
 * quoted with " or ' (to the closing quote or the end) or bare (to white space). Sets
 * [*v0, *v1) to the value without quotes and moves *i past it and its closing quote. */
static void scan_attr_value(const char *s, size_t n, size_t *i, size_t *v0, size_t *v1)
{
	size_t j = *i;
	while (j < n && is_ws((unsigned char)s[j]))
		j++;
	if (j < n && (s[j] == '"' || s[j] == '\'')) {
		char q = s[j];
		*v0 = ++j;
		while (j < n && s[j] != q)
			j++;
		*v1 = j;
		if (j < n)
			j++;
	} else {
		*v0 = j;
		while (j < n && !is_ws((unsigned char)s[j]))
			j++;
		*v1 = j;
	}
	*i = j;
}

/* Parses attrs and appends the allowed ones, sanitised, as ` name="value"`. */
void wt_sanitize_attrs(const char *el, const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	char **seen = NULL;
	size_t nseen = 0;
	while (i < n) {
		while (i < n && (is_ws((unsigned char)s[i]) || s[i] == '/'))
			i++;
		size_t k0 = i;
		while (i < n && !is_ws((unsigned char)s[i]) && s[i] != '=' && s[i] != '/' && s[i] != '>')
			i++;
		if (i == k0) {
			i++;
			continue;
		}
		char name[64];
		size_t kl = i - k0 < 63 ? i - k0 : 63;
		for (size_t x = 0; x < kl; x++)
			name[x] = (char)tolower((unsigned char)s[k0 + x]);
		name[kl] = 0;
		size_t v0 = 0, v1 = 0;
		bool has_v = false;
		size_t j = i;
		while (j < n && is_ws((unsigned char)s[j]))
			j++;
		if (j < n && s[j] == '=') {
			j++;
			has_v = true;
			scan_attr_value(s, n, &j, &v0, &v1);
			i = j;
		}
		if (!attr_allowed(el, name))
			continue;
		bool dup = false;
		for (size_t x = 0; x < nseen; x++)
			if (!strcmp(seen[x], name))
				dup = true;
		if (dup)
			continue;
		wt_strlist_add(&seen, &nseen, name, strlen(name), false);
		struct buf val = BUF_INIT, clean = BUF_INIT;
		if (has_v)
			wt_decode_entities(s + v0, v1 - v0, &val);
		if (!strcmp(name, "style"))
			css_sanitize(val.data, val.len, &clean);
		else
			buf_add(&clean, val.data, val.len);
		buf_trim(&clean);
		if (strcmp(name, "id") || clean.len) {
			buf_printf(out, " %s=\"", name);
			put_attr_value(out, clean.data, clean.len);
			buf_putc(out, '"');
		}
		buf_release(&val);
		buf_release(&clean);
	}
	wt_strlist_free(seen, nseen);
}

bool wt_attr_get(const char *s, size_t n, const char *want, struct buf *out)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		size_t k0 = i;
		while (i < n && !is_ws((unsigned char)s[i]) && s[i] != '=')
			i++;
		size_t kl = i - k0;
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		size_t v0 = i, v1 = i;
		if (i < n && s[i] == '=') {
			i++;
			scan_attr_value(s, n, &i, &v0, &v1);
		}
		if (kl == strlen(want) && !strncasecmp(s + k0, want, kl)) {
			wt_decode_entities(s + v0, v1 - v0, out);
			buf_trim(out);
			return true;
		}
		if (i == k0)
			i++;
	}
	return false;
}

