/* xml: reads an XML export (show_bug.cgi?ctype=xml), streamed with libxml2's SAX2 push parser; base64 attachment data is decoded as it arrives into the import stage (see stage.h). */
#ifndef NFSITE_BUGZILLA_XML_H
#define NFSITE_BUGZILLA_XML_H

struct bz_stage;

/* Returns 0, or -1 after reporting; nothing is written unless the caller finishes. */
int bugzilla_xml_read(struct bz_stage *st, const char *path);

#endif
