/* date: the one date type. A date from front matter, a banner or the bug archive is
 * parsed once, strictly, into the instant it names and the UTC offset it was written
 * with; dates sort by instant and are shown in the offset they were written in.
 *
 * Accepted forms (RFC 3339 and its date-only and YAML-style relatives):
 *   2024-05-01                    midnight UTC
 *   2024-05-01T10:00[:00[.5]]     a time without offset is UTC ('t' or ' ' may stand for 'T')
 *   2024-05-01T10:00:00Z          'z' too
 *   2024-05-01T10:00:00+02:00     offsets up to ±23:59
 * Years 0000-9999 (proleptic Gregorian), hours 00-23, minutes and seconds 00-59;
 * fractions of a second are accepted and dropped. Nothing may follow. */
#ifndef NFSITE_DATE_H
#define NFSITE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct date {
	int64_t t;      /* seconds since 1970-01-01T00:00:00Z */
	int32_t offset; /* seconds east of UTC it was written in */
	bool has_time;  /* written with a time of day */
};

/* "YYYY-MM-DDTHH:MM:SS+HH:MM" and its NUL. */
#define DATE_RFC3339_SIZE 26
/* "YYYY-MM-DD" and its NUL. */
#define DATE_DAY_SIZE 11

/* Parses the whole of s into *out. Returns NULL, or what is wrong with s ("no such
 * day", …: a phrase to follow the caller's own message) and leaves *out alone. */
const char *date_parse(const char *s, struct date *out);
/* The stamp forms importers read, as strict about the calendar as date_parse, each with
 * a time to the second:
 *   date_parse_stamp:   "YYYY-MM-DD HH:MM:SS" ('T' for the space too), then after any
 *                       spaces "Z", an offset "+HHMM"/"-HHMM" (RFC 5322's form, as
 *                       Bugzilla's XML writes it) or nothing for UTC;
 *   date_parse_in_zone: "YYYY-MM-DD HH:MM:SS" as a wall clock in the time zone tz (a
 *                       tz database name like "Europe/Berlin", as Bugzilla's database
 *                       stores times);
 *   date_parse_digits:  "YYYYMMDDHHMMSS" in UTC (MediaWiki's database timestamps).
 * Return and *out as date_parse. */
const char *date_parse_stamp(const char *s, struct date *out);
const char *date_parse_in_zone(const char *s, const char *tz, struct date *out);
const char *date_parse_digits(const char *s, struct date *out);
/* The instant t in UTC, as a date with a time. */
struct date date_utc(int64_t t);
/* The build's clock: SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
int64_t date_now(void);

/* Writes d as RFC 3339 in its own offset ("Z" for UTC) into out. */
void date_rfc3339(const struct date *d, char out[DATE_RFC3339_SIZE]);
/* Writes the day d falls on in its own offset, "YYYY-MM-DD", into out. */
void date_day(const struct date *d, char out[DATE_DAY_SIZE]);
/* strftime(3) of d's wall-clock time in its own offset; %z is that offset. %Z and %s are
 * not supported (strftime takes them from the process's time zone). Returns the length
 * written, 0 when it did not fit in n. */
size_t date_strftime(const struct date *d, const char *fmt, char *out, size_t n);

#endif
