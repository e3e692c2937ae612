/* SDK: lexical folding of an absolute path (umv_path_fold), for modules
 * that build host paths from a directory's /proc link and a name. */
#include "monitor/dispatch.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

int umv_path_fold(char *path)
{
	char *w;
	const char *r;

	if (!path || path[0] != '/')
		return -EINVAL;
	w = path + 1;
	r = path + 1;
	while (*r) {
		const char *end = strchrnul(r, '/');
		size_t len = (size_t)(end - r);
		bool last = *end == '\0';

		if (len == 2 && r[0] == '.' && r[1] == '.') {
			if (w > path + 1) {
				w--;	/* the slash after the last name kept */
				while (w > path + 1 && w[-1] != '/')
					w--;
			}
		} else if (len && !(len == 1 && r[0] == '.')) {
			memmove(w, r, len);
			w += len;
			*w++ = '/';
		}
		if (last)
			break;	/* *end may be a '/' written by now */
		r = end + 1;
	}
	if (w > path + 1)
		w--;
	*w = '\0';
	return 0;
}
