/* A queue handler: <b>tags</b> & entities stay text. */
#include <stdio.h>
#  define QUEUE_NUM 0x10u	// hex with a suffix
#include "local.h"

static const char *names[] = {"accept", "drop \"quoted\" \\", NULL};
static int cb(struct nfq_q_handle *qh, void *data)
{
	uint32_t id = 42UL, mask = 1e-3 > .5f ? 0777 : 0;
	char c = '\'', d = '"';	/* 'chars' */
	size_t n = sizeof(struct nfq_data); /* schön, ünïcödé */
	return n ? NF_ACCEPT : -1;
}
const char *s = "a string \
continued";
// unterminated below
char *bad = "no end
/* an unterminated comment
int never_code;
