/* import_bugzilla: reads a Bugzilla (its SQLite database, an XML export, or REST) into
 * the archive database (see archive.h), withholding everything private. */
#ifndef NFSITE_IMPORT_BUGZILLA_H
#define NFSITE_IMPORT_BUGZILLA_H

/* `nfsite import bugzilla …` with argv[0] == "bugzilla". Returns an exit status. */
int import_bugzilla_main(int argc, char **argv);

#endif
