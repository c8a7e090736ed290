/* mediawiki_api: placeholder while the API reader is written. */
#include "mediawiki_api.h"
#include "log.h"

int mediawiki_api_read(struct mw_wiki *w, const char *url, const struct mediawiki_api_opts *o)
{
	(void)w;
	(void)o;
	return error_at(url, 0, "the API reader is not available yet");
}
