/* faq: the FAQ index. Questions (the .md files in faq/) are ordinary pages of kind "question"; this
 * module groups them by category for /faq/ (category order from faq/_index.md's
 * `categories` list) and writes the schema.org FAQPage JSON-LD. */
#ifndef NFSITE_FAQ_H
#define NFSITE_FAQ_H

struct buf;
struct content;
struct page;
struct tmpl;

/* A question's anchor on /faq/ (and the name of its permalink page): the last
 * component of its URL, /faq/SLUG/ → SLUG. Caller frees. */
char *faq_anchor(const struct page *question);
/* Sets page.faq on the FAQ page's Lua table: a list of {name, slug, questions = {{slug,
 * question, url, html, related = {{slug, question, url}}}}}, using each question's
 * rendered answer (page->html). Appends the JSON-LD <script> element to jsonld.
 * Returns -1 after reporting an unknown category or related slug. */
int faq_prepare(struct tmpl *t, const struct page *faq, struct buf *jsonld);
/* Checks the questions: category listed, related slugs exist, answers not empty.
 * Returns -1 after reporting each problem. */
int faq_check(const struct content *m);

#endif
