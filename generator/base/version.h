/* version: the one place the release number lives. */
#ifndef NFSITE_VERSION_H
#define NFSITE_VERSION_H
#define NFSITE_VERSION "0.1.0"
#endif
