/* date: the accepted forms, what is refused and why, leap years, offsets, and formatting
 * back (RFC 3339, the day, strftime in the written offset). */
#include "base/date.h"
#include "unit.h"

#include <stdlib.h>

/* Parses s, which must be valid, and returns its RFC 3339 form. */
static const char *rfc(const char *s)
{
	static char out[DATE_RFC3339_SIZE];
	struct date d;
	if (date_parse(s, &d))
		return "(refused)";
	date_rfc3339(&d, out);
	return out;
}

/* INT64_MIN when refused. */
static int64_t instant(const char *s)
{
	struct date d;
	return date_parse(s, &d) ? INT64_MIN : d.t;
}

static bool refused(const char *s)
{
	struct date d = {.t = 42};
	return date_parse(s, &d) != NULL && d.t == 42;
}

int main(void)
{
	/* Instants. */
	CHECK(instant("1970-01-01") == 0);
	CHECK(instant("2024-05-01") == 1714521600);
	CHECK(instant("2024-05-01T00:00:00Z") == 1714521600);
	CHECK(instant("2024-05-01T02:00:00+02:00") == 1714521600);
	CHECK(instant("2024-04-30T19:00-05:00") == 1714521600);
	CHECK(instant("2024-05-01 00:00:00") == 1714521600);
	CHECK(instant("2024-05-01t00:00:00.999z") == 1714521600);
	CHECK(instant("1969-12-31T23:59:59Z") == -1);
	CHECK(instant("0000-03-01") == -62162035200);
	CHECK(instant("9999-12-31T23:59:59Z") == 253402300799);
	/* The case: 23:00 at -05:00 is 04:00Z the next day, after 03:00Z. */
	CHECK(instant("2024-05-01T23:00-05:00") > instant("2024-05-02T03:00Z"));

	/* Leap years: every fourth, not centuries, but every fourth century. */
	CHECK(instant("2024-02-29") == instant("2024-03-01") - 86400);
	CHECK(instant("2000-02-29") == 951782400);
	CHECK(refused("2023-02-29"));
	CHECK(refused("1900-02-29"));
	CHECK(refused("2100-02-29"));
	CHECK(refused("2024-02-30"));
	CHECK(refused("2024-04-31"));
	CHECK(instant("2024-12-31") == 1735603200);

	/* Garbage and out-of-range parts. */
	CHECK(refused(""));
	CHECK(refused("yesterday"));
	CHECK(refused("2024-05-01Tgarbage"));
	CHECK(refused("2024-05-01T"));
	CHECK(refused("2024-05-01x"));
	CHECK(refused("2024-05-01 "));
	CHECK(refused("2024-5-1"));
	CHECK(refused("24-05-01"));
	CHECK(refused("2024/05/01"));
	CHECK(refused("2024-00-10"));
	CHECK(refused("2024-13-01"));
	CHECK(refused("2024-05-00"));
	CHECK(refused("2024-05-32"));
	CHECK(refused("2024-05-01T24:00:00Z"));
	CHECK(refused("2024-05-01T10:60:00Z"));
	CHECK(refused("2024-05-01T10:00:60Z"));
	CHECK(refused("2024-05-01T10Z"));
	CHECK(refused("2024-05-01T10:00:00."));
	CHECK(refused("2024-05-01T10:00:00+2:00"));
	CHECK(refused("2024-05-01T10:00:00+0200"));
	CHECK(refused("2024-05-01T10:00:00+24:00"));
	CHECK(refused("2024-05-01T10:00:00+02:60"));
	CHECK(refused("2024-05-01T10:00:00Zjunk"));
	CHECK(refused("2024-05-01T10:00:00+02:00 "));
	CHECK(refused("2024-05-01Z"));
	CHECK(refused("2024-05-01+02:00"));

	/* The reason names the broken part. */
	struct date d;
	CHECK_STR(date_parse("2024-05-01Tgarbage", &d), "the time must be written HH:MM or HH:MM:SS");
	CHECK_STR(date_parse("2023-02-29", &d), "there is no such day");
	CHECK_STR(date_parse("2024-13-01", &d), "there is no such month");
	CHECK_STR(date_parse("2024-05-01T25:00", &d), "there is no such time of day");
	CHECK_STR(date_parse("2024-05-01T10:00+0200", &d), "the offset must be Z or +HH:MM or -HH:MM");
	CHECK_STR(date_parse("2024-05-01junk", &d), "only a time like T10:00:00 may follow the day");

	/* What was written tells whether there is a time. */
	CHECK(!date_parse("2024-05-01", &d) && !d.has_time && d.offset == 0);
	CHECK(!date_parse("2024-05-01T10:00", &d) && d.has_time && d.offset == 0);
	CHECK(!date_parse("2024-05-01T10:00-05:30", &d) && d.offset == -(5 * 3600 + 30 * 60));

	/* RFC 3339 back, in the offset it was written in; the canonical forms are unchanged. */
	CHECK_STR(rfc("2024-05-01"), "2024-05-01T00:00:00Z");
	CHECK_STR(rfc("2024-05-01T10:00:00Z"), "2024-05-01T10:00:00Z");
	CHECK_STR(rfc("2024-05-01T23:00:00-05:00"), "2024-05-01T23:00:00-05:00");
	CHECK_STR(rfc("2024-05-01T23:00:00+05:45"), "2024-05-01T23:00:00+05:45");
	CHECK_STR(rfc("2024-05-01 10:00"), "2024-05-01T10:00:00Z");
	CHECK_STR(rfc("2024-05-01t10:00:00.5z"), "2024-05-01T10:00:00Z");
	CHECK_STR(rfc("2024-05-01T10:00:00+00:00"), "2024-05-01T10:00:00Z");
	CHECK_STR(rfc("1969-12-31T23:59:59Z"), "1969-12-31T23:59:59Z");
	CHECK_STR(rfc("0000-01-01"), "0000-01-01T00:00:00Z");
	CHECK_STR(rfc("9999-12-31T23:59:59-23:59"), "9999-12-31T23:59:59-23:59");
	char out[DATE_RFC3339_SIZE];
	struct date u = date_utc(1714521600);
	date_rfc3339(&u, out);
	CHECK_STR(out, "2024-05-01T00:00:00Z");
	/* Out of range instants stay in range (and in the buffer). */
	u = date_utc(INT64_MAX / 2);
	date_rfc3339(&u, out);
	CHECK_STR(out, "9999-12-31T23:59:59Z");
	u = date_utc(INT64_MIN / 2);
	date_rfc3339(&u, out);
	CHECK_STR(out, "0000-01-01T00:00:00Z");

	/* The day in the written offset, not in UTC. */
	char day[DATE_DAY_SIZE];
	CHECK(!date_parse("2024-05-01T23:00-05:00", &d));
	date_day(&d, day);
	CHECK_STR(day, "2024-05-01");
	CHECK(!date_parse("2024-05-02T01:00+02:00", &d));
	date_day(&d, day);
	CHECK_STR(day, "2024-05-02");

	/* strftime of the wall clock, with week days. */
	char s[64];
	CHECK(!date_parse("2024-05-01", &d));
	CHECK(date_strftime(&d, "%d %B %Y", s, sizeof s) > 0);
	CHECK_STR(s, "01 May 2024");
	date_strftime(&d, "%A %j", s, sizeof s);
	CHECK_STR(s, "Wednesday 122");
	CHECK(!date_parse("2024-05-01T23:30:15-05:00", &d));
	date_strftime(&d, "%Y-%m-%d %H:%M:%S %z %a", s, sizeof s);
	CHECK_STR(s, "2024-05-01 23:30:15 -0500 Wed");
	CHECK(!date_parse("1969-12-31T12:00Z", &d));
	date_strftime(&d, "%a %j", s, sizeof s);
	CHECK_STR(s, "Wed 365");
	CHECK(!date_parse("2000-02-29", &d));
	date_strftime(&d, "%a %j", s, sizeof s);
	CHECK_STR(s, "Tue 060");
	CHECK(date_strftime(&d, "%Y-%m-%d", s, 4) == 0);

	/* Importers' stamps: Bugzilla's XML and REST, MediaWiki's database, a named zone. */
	CHECK(!date_parse_stamp("2024-05-01 02:00:00 +0200", &d) && d.t == 1714521600 && d.offset == 7200);
	CHECK(!date_parse_stamp("2024-04-30 19:00:00 -0500", &d) && d.t == 1714521600);
	CHECK(!date_parse_stamp("2024-05-01T00:00:00Z", &d) && d.t == 1714521600 && d.has_time);
	CHECK(!date_parse_stamp("2024-05-01 00:00:00", &d) && d.t == 1714521600 && d.offset == 0);
	CHECK(!date_parse_stamp("2024-02-29 00:00:00  ", &d));
	CHECK(date_parse_stamp("2023-02-29 00:00:00", &d)); /* no month-blind day 31 */
	CHECK(date_parse_stamp("2024-04-31 00:00:00 +0000", &d));
	CHECK(date_parse_stamp("2024-05-01 00:00 +0000", &d)); /* seconds required */
	CHECK(date_parse_stamp("2024-05-01 24:00:00", &d));
	CHECK(date_parse_stamp("2024-05-01 00:00:60", &d));
	CHECK(date_parse_stamp("2024-05-01 00:00:00 +02:00", &d));
	CHECK(date_parse_stamp("2024-05-01 00:00:00 +2400", &d));
	CHECK(date_parse_stamp("2024-05-01 00:00:00 +0200x", &d));
	CHECK(date_parse_stamp("2024-5-1 0:0:0", &d));
	CHECK(date_parse_stamp(" 2024-05-01 00:00:00", &d));
	CHECK(!date_parse_digits("20240501020304", &d));
	date_rfc3339(&d, out);
	CHECK_STR(out, "2024-05-01T02:03:04Z");
	CHECK(date_parse_digits("2024050102030", &d));
	CHECK(date_parse_digits("202405010203045", &d));
	CHECK(date_parse_digits("20240230000000", &d));
	CHECK(date_parse_digits("2024-05-01T02:03:04Z", &d));
	CHECK(!date_parse_in_zone("2024-05-01 02:00:00", "UTC", &d) && d.t == 1714528800 && d.offset == 0);
	CHECK(!date_parse_in_zone("2024-05-01 02:00:00", "Europe/Berlin", &d) && d.t == 1714521600 &&
	      d.offset == 7200);
	CHECK(!date_parse_in_zone("2024-01-15 12:00:00", "America/New_York", &d) && d.offset == -5 * 3600);
	date_rfc3339(&d, out);
	CHECK_STR(out, "2024-01-15T12:00:00-05:00");
	CHECK(date_parse_in_zone("2024-02-30 12:00:00", "UTC", &d));
	CHECK(date_parse_in_zone("2024-05-01 02:00:00 +0000", "UTC", &d));

	/* The build clock follows SOURCE_DATE_EPOCH. */
	setenv("SOURCE_DATE_EPOCH", "1714521600", 1);
	CHECK(date_now() == 1714521600);
	unsetenv("SOURCE_DATE_EPOCH");
	CHECK(date_now() > 1714521600);
	return unit_done();
}
