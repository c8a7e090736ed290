/* taxonomy: pages for the front matter tags of every page of the site.
 *   /tags/        every tag with its page count      (kind "tags", tags.html)
 *   /tags/NAME/   the pages carrying it, by title     (kind "tag", tag.html)
 *                 (or by front matter sort_title)
 * NAME is the tag's slug_tag; tags whose slugs are equal are one tag, named by the
 * spelling first in byte order. A page of the site may stand for a tag instead of a
 * made-up /tags/NAME/: one whose front matter says `lists_tag: NAME` (an imported wiki's
 * category page), or one written at /tags/NAME/ itself; templates list the members
 * after its text, and every link to the tag goes to it. A site without tags gets no
 * taxonomy pages. */
#ifndef NFSITE_TAXONOMY_H
#define NFSITE_TAXONOMY_H

#define TAXONOMY_URL "/tags/"

struct content;

/* Adds the taxonomy pages to model and links every page with tags to its tags' pages
 * (page->tag_pages), every tag's page to its members (page->term, page->members) and
 * /tags/ to every tag's page. Call once every other page is in the model, before
 * content_resolve. Returns -1 after reporting (two pages listing one tag). */
int taxonomy_build(struct content *model);

#endif
