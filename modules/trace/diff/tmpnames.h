/* Temporary file names in traces: which names are random (mkstemp,
 * mkdtemp, mktemp(1), Python's tempfile) so that umvisor-diff can give
 * them stable labels. A name is temporary when it matches a template: a
 * fixed stem followed by a random part. Templates are built in, learnt
 * from the calls that create temporary files (open with O_CREAT|O_EXCL,
 * mkdir with mode 0700: what mkstemp and mkdtemp do), or learnt from
 * random-looking names directly under a temporary directory. Templates
 * learnt from either run apply to both, so one run's name that happens
 * not to look random is still recognised. */
#ifndef UMV_DIFF_TMPNAMES_H
#define UMV_DIFF_TMPNAMES_H

#include <stdbool.h>
#include <stddef.h>

struct tmp_template {
	char *stem;		/* fixed part, never empty */
	size_t len;		/* random part: exactly LEN chars; 0 = 6 or more */
	bool python;		/* random chars from [a-z0-9_] (tempfile), else [A-Za-z0-9] */
};

struct tmp_rules {
	struct tmp_template *t;
	size_t n;
	char **names;		/* exact names known to be temporary (no stem) */
	size_t nnames;
	char **dirs;		/* --tmp: every name right under these is temporary */
	size_t ndirs;
};

/* The built-in templates (tmp.XXXXXX, tmpXXXXXXXX...). Returns 0 or -ENOMEM. */
int tmp_rules_init(struct tmp_rules *r);
void tmp_rules_free(struct tmp_rules *r);
/* DIR (e.g. "/scratch/"): the whole path component after it is temporary. */
int tmp_rules_add_dir(struct tmp_rules *r, const char *dir);

/* Learn from one syscall record: NAME and its argument texts as the trace
 * writes them (paths quoted). Returns 0 or -ENOMEM. */
int tmp_learn_call(struct tmp_rules *r, const char *name, char *const *args, size_t nargs);
/* Learn random-looking names right under /tmp/ or /var/tmp/ in TEXT. */
int tmp_learn_text(struct tmp_rules *r, const char *text);

/* Is there a temporary name at S[I] (I at the start of a name token)?
 * Returns its whole length (0: no), with the random part at
 * S[I + *RAND_AT] of *RAND_LEN chars (the stem before, a suffix such as
 * ".txt" after). */
size_t tmp_match(const struct tmp_rules *r, const char *s, size_t i, size_t *rand_at,
		 size_t *rand_len);
/* Characters of a name token (what a path component is made of here). */
bool tmp_token_char(char c);

#endif
