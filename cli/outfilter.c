/*
 * Output filters: `| include RE`, `| exclude RE`, `| begin RE`, `| count`
 * (see outfilter.h).  Line-based and allocation-light: the answer is
 * walked once per filter.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/outfilter.h"

#define OUTFILTER_MAX 8

enum filter_kind {
	F_INCLUDE,
	F_EXCLUDE,
	F_BEGIN,
	F_COUNT,
};

static const struct {
	const char *name;
	enum filter_kind kind;
	int takes_re;
} filter_words[] = {
	{ "include", F_INCLUDE, 1 },
	{ "exclude", F_EXCLUDE, 1 },
	{ "begin", F_BEGIN, 1 },
	{ "count", F_COUNT, 0 },
};

struct filter {
	enum filter_kind kind;
	int has_re;
	regex_t re;
};

struct outfilter {
	size_t n;
	struct filter f[OUTFILTER_MAX];
};

/* The first `|` outside double quotes (a backslash escapes a quote). */
static char *
find_pipe(char *line)
{
	int quoted = 0;

	for (; *line != '\0'; line++) {
		if (*line == '\\' && line[1] != '\0')
			line++;
		else if (*line == '"')
			quoted = !quoted;
		else if (*line == '|' && !quoted)
			return line;
	}
	return NULL;
}

static char *
trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* The filter a (possibly abbreviated) word names; -1 if none or many. */
static int
filter_word(const char *w, size_t wlen)
{
	size_t i;
	int found = -1;

	for (i = 0; i < sizeof(filter_words) / sizeof(filter_words[0]); i++) {
		if (wlen == 0 || wlen > strlen(filter_words[i].name) ||
		    strncmp(w, filter_words[i].name, wlen) != 0)
			continue;
		if (found != -1)
			return -1;
		found = (int)i;
	}
	return found;
}

/* One "WORD [RE]" segment into f. */
static int
parse_one(char *seg, struct filter *f, char *err, size_t len)
{
	size_t wlen;
	char *re;
	int w, rc;

	seg = trim(seg);
	wlen = strcspn(seg, " \t");
	if ((w = filter_word(seg, wlen)) == -1) {
		snprintf(err, len,
		    "%% Invalid filter \"%.*s\": include, exclude, begin or "
		    "count",
		    (int)wlen, seg);
		return -1;
	}
	f->kind = filter_words[w].kind;
	re = trim(seg + wlen);
	if (!filter_words[w].takes_re) {
		if (*re != '\0') {
			snprintf(err, len, "%% count takes no argument");
			return -1;
		}
		return 0;
	}
	if (*re == '\0') {
		snprintf(err, len, "%% %s needs a regular expression",
		    filter_words[w].name);
		return -1;
	}
	if ((rc = regcomp(&f->re, re, REG_EXTENDED | REG_NOSUB)) != 0) {
		char msg[128];

		regerror(rc, &f->re, msg, sizeof(msg));
		snprintf(
		    err, len, "%% bad regular expression \"%s\": %s", re, msg);
		return -1;
	}
	f->has_re = 1;
	return 0;
}

int
outfilter_parse(char *line, struct outfilter **fp, char *err, size_t len)
{
	struct outfilter *of;
	char *bar = find_pipe(line), *seg, *next;

	*fp = NULL;
	if (bar == NULL)
		return 0;
	*bar = '\0';
	(void)trim(line);
	if ((of = calloc(1, sizeof(*of))) == NULL) {
		snprintf(err, len, "%% out of memory");
		return -1;
	}
	for (seg = bar + 1; seg != NULL; seg = next) {
		if ((next = find_pipe(seg)) != NULL)
			*next++ = '\0';
		if (of->n == OUTFILTER_MAX) {
			snprintf(
			    err, len, "%% at most %d filters", OUTFILTER_MAX);
			outfilter_free(of);
			return -1;
		}
		if (parse_one(seg, &of->f[of->n], err, len) == -1) {
			outfilter_free(of);
			return -1;
		}
		of->n++;
	}
	*fp = of;
	return 0;
}

static int
line_matches(const struct filter *f, const char *s, size_t n)
{
	char buf[4096], *copy = buf;
	int match;

	if (n >= sizeof(buf) && (copy = malloc(n + 1)) == NULL)
		return 0;
	memcpy(copy, s, n);
	copy[n] = '\0';
	match = regexec(&f->re, copy, 0, NULL, 0) == 0;
	if (copy != buf)
		free(copy);
	return match;
}

/* One filter over in, into out. */
static void
apply_one(const struct filter *f, const char *in, size_t len, struct sbuf *out)
{
	const char *p = in, *end = in + len, *nl;
	size_t n, lines = 0;
	int begun = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		switch (f->kind) {
		case F_INCLUDE:
		case F_EXCLUDE:
			if (line_matches(f, p, n) == (f->kind == F_INCLUDE)) {
				sbuf_putn(out, p, n);
				sbuf_putc(out, '\n');
			}
			break;
		case F_BEGIN:
			if (!begun && line_matches(f, p, n))
				begun = 1;
			if (begun) {
				sbuf_putn(out, p, n);
				sbuf_putc(out, '\n');
			}
			break;
		case F_COUNT:
			lines++;
			break;
		}
		p += n + (nl != NULL);
	}
	if (f->kind == F_COUNT)
		sbuf_printf(
		    out, "Number of lines which match regexp = %zu\n", lines);
}

void
outfilter_apply(
    const struct outfilter *of, const char *text, size_t len, struct sbuf *out)
{
	struct sbuf a, b, *cur = &a, *nxt = &b, *t;
	size_t i;

	sbuf_init(&a);
	sbuf_init(&b);
	sbuf_putn(&a, text, len);
	for (i = 0; i < of->n; i++) {
		sbuf_reset(nxt);
		apply_one(
		    &of->f[i], cur->s != NULL ? cur->s : "", cur->len, nxt);
		t = cur;
		cur = nxt;
		nxt = t;
	}
	if (cur->len > 0)
		sbuf_putn(out, cur->s, cur->len);
	sbuf_free(&a);
	sbuf_free(&b);
}

void
outfilter_free(struct outfilter *of)
{
	size_t i;

	if (of == NULL)
		return;
	for (i = 0; i < of->n; i++)
		if (of->f[i].has_re)
			regfree(&of->f[i].re);
	free(of);
}
