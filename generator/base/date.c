/* date: strict parsing of the accepted date forms (see date.h) and formatting back. The
 * calendar arithmetic is done here, not by timegm/gmtime: it is exact for every year
 * 0000-9999, never normalises "02-30" into March and needs no time zone database. */
#include "base/date.h"
#include "base/buf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* Days from 1970-01-01 to y-m-d (negative before), after Howard Hinnant's
 * days_from_civil: years start in March so the leap day is the last of its year. */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse: the civil day of z days from 1970-01-01. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* n digits at *s into *out, advancing *s; false when any is not a digit. */
static bool digits(const char **s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*s)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*s += n;
	*out = v;
	return true;
}

const char *date_parse(const char *s, struct date *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 1;
	bool has_time = false;
	if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) || *s++ != '-' || !digits(&s, 2, &d))
		return "the day must be written YYYY-MM-DD";
	if (mo < 1 || mo > 12)
		return "there is no such month";
	if (d < 1 || d > days_in_month(y, mo))
		return "there is no such day";
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		has_time = true;
		if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi))
			return "the time must be written HH:MM or HH:MM:SS";
		if (*s == ':') {
			s++;
			if (!digits(&s, 2, &sec))
				return "the time must be written HH:MM or HH:MM:SS";
			if (*s == '.') {
				s++;
				if (*s < '0' || *s > '9')
					return "a fraction of a second needs digits";
				while (*s >= '0' && *s <= '9')
					s++;
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			return "there is no such time of day";
		if (*s == 'Z' || *s == 'z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			sign = *s++ == '-' ? -1 : 1;
			if (!digits(&s, 2, &oh) || *s++ != ':' || !digits(&s, 2, &om) || oh > 23 || om > 59)
				return "the offset must be Z or +HH:MM or -HH:MM";
		}
	}
	if (*s)
		return has_time ? "only Z or an offset like +02:00 may follow the time"
		                : "only a time like T10:00:00 may follow the day";
	int32_t offset = sign * (oh * 3600 + om * 60);
	*out = (struct date){
		.t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset,
		.offset = offset,
		.has_time = has_time,
	};
	return NULL;
}

/* Consumes c at *s; true with nothing to consume when c is 0. */
static bool punct(const char **s, char c)
{
	if (c && **s != c)
		return false;
	*s += c != 0;
	return true;
}

/* "YYYY-MM-DD HH:MM:SS" ('T' for the space too) at *s, or with compact "YYYYMMDDHHMMSS",
 * into *t as if it were UTC, advancing *s. */
static const char *wall_fields(const char **s, bool compact, int64_t *t)
{
	int y, mo, d, h, mi, sec;
	char dash = compact ? 0 : '-', colon = compact ? 0 : ':';
	const char *p = *s;
	if (!digits(&p, 4, &y) || !punct(&p, dash) || !digits(&p, 2, &mo) || !punct(&p, dash) ||
	    !digits(&p, 2, &d))
		return compact ? "the stamp must be written YYYYMMDDHHMMSS" : "the day must be written YYYY-MM-DD";
	if (!compact && !punct(&p, ' ') && !punct(&p, 'T'))
		return "a time like 10:00:00 must follow the day";
	if (!digits(&p, 2, &h) || !punct(&p, colon) || !digits(&p, 2, &mi) || !punct(&p, colon) ||
	    !digits(&p, 2, &sec))
		return compact ? "the stamp must be written YYYYMMDDHHMMSS" : "the time must be written HH:MM:SS";
	if (mo < 1 || mo > 12)
		return "there is no such month";
	if (d < 1 || d > days_in_month(y, mo))
		return "there is no such day";
	if (h > 23 || mi > 59 || sec > 59)
		return "there is no such time of day";
	*s = p;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return NULL;
}

const char *date_parse_stamp(const char *s, struct date *out)
{
	int64_t t;
	int oh = 0, om = 0, sign = 1;
	const char *why = wall_fields(&s, false, &t);
	if (why)
		return why;
	while (*s == ' ')
		s++;
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (!digits(&s, 2, &oh) || !digits(&s, 2, &om) || oh > 23 || om > 59)
			return "the offset must be Z or +HHMM or -HHMM";
	}
	if (*s)
		return "only Z or an offset like +0200 may follow the time";
	int32_t offset = sign * (oh * 3600 + om * 60);
	*out = (struct date){.t = t - offset, .offset = offset, .has_time = true};
	return NULL;
}

const char *date_parse_digits(const char *s, struct date *out)
{
	int64_t t;
	const char *why = wall_fields(&s, true, &t);
	if (why)
		return why;
	if (*s)
		return "the stamp must be written YYYYMMDDHHMMSS";
	*out = date_utc(t);
	return NULL;
}

/* The one use of the process's time zone: C has no call that converts a wall clock in a
 * named zone, only mktime(3) in the zone TZ names, and reading the tz database ourselves
 * would be a second copy of glibc's. TZ is process-wide, so the lock; it is left set to
 * the last zone (tzset rereads the zone file whenever TZ changes, and a database import
 * converts every row in the same zone). Nothing else here reads the process's zone. */
const char *date_parse_in_zone(const char *s, const char *tz, struct date *out)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static char *cur_tz;
	int64_t wall;
	const char *why = wall_fields(&s, false, &wall);
	if (why)
		return why;
	if (*s)
		return "nothing may follow the time";
	int y, mo, d;
	int64_t days = wall >= 0 ? wall / 86400 : -((-wall + 86399) / 86400), secs = wall - days * 86400;
	civil_from_days(days, &y, &mo, &d);
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = (int)(secs / 3600),
	                .tm_min = (int)(secs / 60 % 60), .tm_sec = (int)(secs % 60), .tm_isdst = -1};
	pthread_mutex_lock(&lock);
	if (!cur_tz || strcmp(cur_tz, tz)) {
		free(cur_tz);
		cur_tz = xstrdup(tz);
		setenv("TZ", tz, 1);
		tzset();
	}
	time_t t = mktime(&tm);
	pthread_mutex_unlock(&lock);
	if (t == (time_t)-1)
		return "the time zone cannot convert it";
	*out = (struct date){.t = t, .offset = (int32_t)tm.tm_gmtoff, .has_time = true};
	return NULL;
}

struct date date_utc(int64_t t)
{
	return (struct date){.t = t, .has_time = true};
}

int64_t date_now(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	return sde && *sde ? strtoll(sde, NULL, 10) : (int64_t)time(NULL);
}

/* d's wall clock in its own offset, with the week and year days strftime needs. An
 * instant outside years 0000-9999 (only a wild SOURCE_DATE_EPOCH makes one) is shown as
 * the nearest end of that range, so every form keeps its length. */
static void wall_clock(const struct date *d, struct tm *tm)
{
	static const int64_t lo = -62167219200, hi = 253402300799; /* 0000-01-01, 9999-12-31T23:59:59 */
	int64_t local = d->t + d->offset;
	local = local < lo ? lo : local > hi ? hi : local;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t secs = local - days * 86400;
	int y, m, dd;
	civil_from_days(days, &y, &m, &dd);
	*tm = (struct tm){
		.tm_year = y - 1900,
		.tm_mon = m - 1,
		.tm_mday = dd,
		.tm_hour = (int)(secs / 3600),
		.tm_min = (int)(secs / 60 % 60),
		.tm_sec = (int)(secs % 60),
		.tm_wday = (int)(((days % 7) + 11) % 7), /* 1970-01-01 was a Thursday */
		.tm_yday = (int)(days - days_from_civil(y, 1, 1)),
		.tm_gmtoff = d->offset,
	};
}

/* v as n digits at p (v is in range: wall_clock keeps it so); returns the end. */
static char *put(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

/* "YYYY-MM-DD" of tm at p; returns the end. */
static char *put_day(char *p, const struct tm *tm)
{
	p = put(p, tm->tm_year + 1900, 4);
	*p++ = '-';
	p = put(p, tm->tm_mon + 1, 2);
	*p++ = '-';
	return put(p, tm->tm_mday, 2);
}

void date_rfc3339(const struct date *d, char out[DATE_RFC3339_SIZE])
{
	struct tm tm;
	wall_clock(d, &tm);
	char *p = put_day(out, &tm);
	*p++ = 'T';
	p = put(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put(p, tm.tm_min, 2);
	*p++ = ':';
	p = put(p, tm.tm_sec, 2);
	if (d->offset == 0) {
		*p++ = 'Z';
	} else {
		int off = d->offset < 0 ? -d->offset : d->offset;
		*p++ = d->offset < 0 ? '-' : '+';
		p = put(p, off / 3600, 2);
		*p++ = ':';
		p = put(p, off / 60 % 60, 2);
	}
	*p = 0;
}

void date_day(const struct date *d, char out[DATE_DAY_SIZE])
{
	struct tm tm;
	wall_clock(d, &tm);
	*put_day(out, &tm) = 0;
}

size_t date_strftime(const struct date *d, const char *fmt, char *out, size_t n)
{
	struct tm tm;
	wall_clock(d, &tm);
	return strftime(out, n, fmt, &tm);
}
