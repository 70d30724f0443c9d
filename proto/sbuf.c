/*
 * Growable text buffer.  Used for human output only, never for packets:
 * packets go through the bounded wbuf so their size is always known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/sbuf.h"

void
sbuf_init(struct sbuf *b)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = 0;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->s);
	sbuf_init(b);
}

void
sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

/* Make room for n more characters plus the terminator. */
static int
sbuf_grow(struct sbuf *b, size_t n)
{
	size_t need, ncap;
	char *ns;

	if (b->failed)
		return -1;
	if (n > SIZE_MAX / 2 - b->len) {
		b->failed = 1;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap == 0 ? 256 : b->cap;
	while (ncap < need)
		ncap *= 2;
	if ((ns = realloc(b->s, ncap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->s = ns;
	b->cap = ncap;
	return 0;
}

int
sbuf_putn(struct sbuf *b, const char *s, size_t n)
{
	if (sbuf_grow(b, n) == -1)
		return -1;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int
sbuf_putc(struct sbuf *b, char c)
{
	return sbuf_putn(b, &c, 1);
}

int
sbuf_puts(struct sbuf *b, const char *s)
{
	return sbuf_putn(b, s, strlen(s));
}

int
sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || sbuf_grow(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int rv;

	va_start(ap, fmt);
	rv = sbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return rv;
}

int
sbuf_hex(struct sbuf *b, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (sbuf_grow(b, n * 2) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		b->s[b->len++] = digits[p[i] >> 4];
		b->s[b->len++] = digits[p[i] & 0xf];
	}
	b->s[b->len] = '\0';
	return 0;
}

int
sbuf_json_strn(struct sbuf *b, const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	sbuf_putc(b, '"');
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			sbuf_putc(b, '\\');
			sbuf_putc(b, (char)c);
		} else if (c == '\n')
			sbuf_puts(b, "\\n");
		else if (c == '\t')
			sbuf_puts(b, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			sbuf_printf(b, "\\u%04x", c);
		else
			sbuf_putc(b, (char)c);
	}
	return sbuf_putc(b, '"');
}

int
sbuf_json_str(struct sbuf *b, const char *s)
{
	return sbuf_json_strn(b, s, strlen(s));
}

/* One byte's printable form in out (at most 5 bytes with the NUL). */
static size_t
vis_byte(unsigned char c, char out[5])
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		out[0] = '\\';
		out[1] = (char)c;
		out[2] = '\0';
		return 2;
	}
	if (c < 0x20 || c >= 0x7f) {
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 0xf];
		out[4] = '\0';
		return 4;
	}
	out[0] = (char)c;
	out[1] = '\0';
	return 1;
}

int
sbuf_vis(struct sbuf *b, const char *s, size_t n)
{
	char e[5];
	size_t i;

	for (i = 0; i < n; i++) {
		vis_byte((unsigned char)s[i], e);
		if (sbuf_puts(b, e) == -1)
			return -1;
	}
	return 0;
}

const char *
str_vis(char *dst, size_t cap, const char *src)
{
	return str_visn(dst, cap, src, strlen(src));
}

const char *
str_visn(char *dst, size_t cap, const char *src, size_t len)
{
	size_t used = 0, k, i;
	char e[5];

	if (cap == 0)
		return dst;
	for (i = 0; i < len; i++) {
		k = vis_byte((unsigned char)src[i], e);
		if (used + k >= cap)
			break;
		memcpy(dst + used, e, k);
		used += k;
	}
	dst[used] = '\0';
	return dst;
}

char *
sbuf_take(struct sbuf *b)
{
	char *s;

	if (b->s == NULL && sbuf_grow(b, 0) == -1)
		return NULL;
	s = b->s;
	sbuf_init(b);
	return s;
}
