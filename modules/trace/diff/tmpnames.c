/* Temporary file names: templates built in, learnt from creating calls
 * and from random-looking names under temporary directories. */
#include "modules/trace/diff/tmpnames.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RANDOM_MIN 6		/* mkstemp's XXXXXX */
#define STEM_MAX 200

bool tmp_token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-' || c == '+' || c == '~';
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_python_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int add_template(struct tmp_rules *r, const char *stem, size_t stemlen, size_t len,
			bool python)
{
	struct tmp_template *grown;
	char *copy;

	if (stemlen == 0 || stemlen > STEM_MAX)
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->t[i].len == len && r->t[i].python == python &&
		    strlen(r->t[i].stem) == stemlen && memcmp(r->t[i].stem, stem, stemlen) == 0)
			return 0;
	copy = strndup(stem, stemlen);
	if (!copy)
		return -ENOMEM;
	grown = realloc(r->t, (r->n + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return -ENOMEM;
	}
	r->t = grown;
	r->t[r->n++] = (struct tmp_template){ copy, len, python };
	return 0;
}

static int add_name(struct tmp_rules *r, const char *name, size_t n)
{
	char **grown, *copy;

	for (size_t i = 0; i < r->nnames; i++)
		if (strlen(r->names[i]) == n && memcmp(r->names[i], name, n) == 0)
			return 0;
	copy = strndup(name, n);
	if (!copy)
		return -ENOMEM;
	grown = realloc(r->names, (r->nnames + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return -ENOMEM;
	}
	r->names = grown;
	r->names[r->nnames++] = copy;
	return 0;
}

int tmp_rules_init(struct tmp_rules *r)
{
	static const struct {
		const char *stem;
		size_t len;
		bool python;
	} builtin[] = {
		/* first: its random part may start with '_' */
		{ "tmp", 8, true },	/* Python tempfile: tmp + 8 of [a-z0-9_] */
		{ "tmp.", 0, false },	/* mktemp(1): tmp.XXXXXXXXXX */
		{ "tmp-", 0, false },
		{ "tmp_", 0, false },
		{ "tmpf", 6, false },	/* glibc tmpfile() without O_TMPFILE */
	};

	*r = (struct tmp_rules){ 0 };
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (add_template(r, builtin[i].stem, strlen(builtin[i].stem), builtin[i].len,
				 builtin[i].python) < 0) {
			tmp_rules_free(r);
			return -ENOMEM;
		}
	return 0;
}

void tmp_rules_free(struct tmp_rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->t[i].stem);
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	for (size_t i = 0; i < r->ndirs; i++)
		free(r->dirs[i]);
	free(r->t);
	free(r->names);
	free(r->dirs);
	*r = (struct tmp_rules){ 0 };
}

int tmp_rules_add_dir(struct tmp_rules *r, const char *dir)
{
	char **grown, *copy = strdup(dir);

	if (!copy)
		return -ENOMEM;
	grown = realloc(r->dirs, (r->ndirs + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return -ENOMEM;
	}
	r->dirs = grown;
	r->dirs[r->ndirs++] = copy;
	return 0;
}

/* Random characters of mkstemp are letters and digits. A run of 6 or
 * more is taken as random if it has an upper-case letter after a
 * lower-case one, or a letter after a digit: words ("backup", "Backup")
 * and versions ("trace10", "python3") are not. About 6% of random runs
 * of six are missed; the other run, another name of the same template or
 * a creating call usually makes up for it (templates are shared). */
static bool looks_random(const char *s, size_t n)
{
	bool lower = false, digit = false, mixed = false;

	if (n < RANDOM_MIN)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool is_digit = s[i] >= '0' && s[i] <= '9';
		bool is_upper = s[i] >= 'A' && s[i] <= 'Z';

		if (!is_alnum(s[i]))
			return false;
		mixed |= (lower && is_upper) || (digit && !is_digit);
		lower |= s[i] >= 'a' && s[i] <= 'z';
		digit |= is_digit;
	}
	return mixed;
}

/* NAME (N chars, one path component) was made by mkstemp/mkdtemp: its
 * random part is the letters and digits after the last '.', '-' or '_'
 * (mktemp(1)'s tmp.XXXXXXXXXX, "prefix.XXXXXX"), else its last six
 * (mkstemp("fooXXXXXX")); with mkstemps' suffix ("ccXXXXXX.s", gcc) the
 * six before the suffix. */
static int learn_created(struct tmp_rules *r, const char *name, size_t n)
{
	size_t k = n;

	while (k > 0 && is_alnum(name[k - 1]))
		k--;
	if (n - k < RANDOM_MIN && k > RANDOM_MIN && name[k - 1] == '.') {
		size_t end = k - 1, j = end;

		while (j > 0 && is_alnum(name[j - 1]))
			j--;
		if (end - j < RANDOM_MIN)
			return 0;
		return add_template(r, name, end - RANDOM_MIN, RANDOM_MIN, false);
	}
	if (n - k < RANDOM_MIN)
		return 0;
	if (k == 0 || !(name[k - 1] == '.' || name[k - 1] == '-' || name[k - 1] == '_'))
		k = n - RANDOM_MIN;
	if (k == 0)
		return add_name(r, name, n);
	return add_template(r, name, k, n - k, false);
}

/* The last component of a quoted path argument ("\"/tmp/x.AbC123\""). */
static bool last_component(const char *arg, const char **name, size_t *n)
{
	size_t len = strlen(arg);
	const char *end, *p;

	if (len < 3 || arg[0] != '"' || arg[len - 1] != '"')
		return false;
	end = arg + len - 1;
	for (p = end; p > arg + 1 && p[-1] != '/'; p--)
		;
	for (const char *q = p; q < end; q++)
		if (!tmp_token_char(*q))
			return false;
	*name = p;
	*n = (size_t)(end - p);
	return *n > 0;
}

int tmp_learn_call(struct tmp_rules *r, const char *name, char *const *args, size_t nargs)
{
	int path = -1, how = -1;
	bool created = false;
	const char *comp;
	size_t n;

	if (strcmp(name, "open") == 0) {
		path = 0;
		how = 1;
	} else if (strcmp(name, "openat") == 0) {
		path = 1;
		how = 2;
	} else if (strcmp(name, "mkdir") == 0) {
		path = 0;
		how = 1;
	} else if (strcmp(name, "mkdirat") == 0) {
		path = 1;
		how = 2;
	}
	if (path < 0 || (size_t)how >= nargs)
		return 0;
	if (strncmp(name, "open", 4) == 0)
		created = strstr(args[how], "O_CREAT") && strstr(args[how], "O_EXCL");
	else
		created = strcmp(args[how], "0700") == 0;
	if (!created || !last_component(args[path], &comp, &n))
		return 0;
	return learn_created(r, comp, n);
}

int tmp_learn_text(struct tmp_rules *r, const char *text)
{
	static const char *const dirs[] = { "/tmp/", "/var/tmp/" };

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		size_t dl = strlen(dirs[d]);

		for (const char *p = strstr(text, dirs[d]); p; p = strstr(p + 1, dirs[d])) {
			const char *c = p + dl;
			size_t n = 0, k;
			int rc;

			while (tmp_token_char(c[n]))
				n++;
			/* stem, separator, random part: "umvisor-test.Aj5ihA" */
			for (k = n; k > 0 && is_alnum(c[k - 1]); k--)
				;
			if (k < 2 || !(c[k - 1] == '.' || c[k - 1] == '-' || c[k - 1] == '_'))
				continue;
			if (!looks_random(c + k, n - k))
				continue;
			rc = add_template(r, c, k, n - k, false);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* The random part of template T at S (after the stem): its length, 0 if
 * it does not fit. It must end the token or be followed by a suffix; a
 * string cut by strsize ("tmp.YPz"...) may end inside it. */
static size_t match_random(const struct tmp_template *t, const char *s)
{
	size_t n = 0;

	while (s[n] && (t->python ? is_python_char(s[n]) : is_alnum(s[n])) &&
	       (t->len == 0 || n < t->len))
		n++;
	if (n > 0 && strncmp(s + n, "\"...", 4) == 0)
		return n;
	if (t->len ? n != t->len : n < RANDOM_MIN)
		return 0;
	if (tmp_token_char(s[n]) && s[n] != '.')
		return 0;
	return n;
}

size_t tmp_match(const struct tmp_rules *r, const char *s, size_t i, size_t *rand_at,
		 size_t *rand_len)
{
	const char *p = s + i;
	size_t tok = 0;

	for (size_t d = 0; d < r->ndirs; d++) {
		size_t dl = strlen(r->dirs[d]), n = 0;

		if (dl == 0 || strncmp(p, r->dirs[d], dl) != 0)
			continue;
		while (p[dl + n] && p[dl + n] != '/' && p[dl + n] != '"')
			n++;
		if (n == 0)
			continue;
		*rand_at = dl;
		*rand_len = n;
		return dl + n;
	}
	if (!tmp_token_char(*p) || (i > 0 && tmp_token_char(s[i - 1])))
		return 0;
	while (tmp_token_char(p[tok]))
		tok++;
	for (size_t k = 0; k < r->nnames; k++) {
		size_t n = strlen(r->names[k]);

		if (n <= tok && memcmp(p, r->names[k], n) == 0 &&
		    (n == tok || p[n] == '.')) {
			*rand_at = 0;
			*rand_len = n;
			return tok;
		}
	}
	for (size_t k = 0; k < r->n; k++) {
		const struct tmp_template *t = &r->t[k];
		size_t sl = strlen(t->stem), n;

		if (sl >= tok || memcmp(p, t->stem, sl) != 0)
			continue;
		n = match_random(t, p + sl);
		if (n == 0)
			continue;
		*rand_at = sl;
		*rand_len = n;
		return tok;
	}
	return 0;
}
