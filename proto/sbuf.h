/*
 * A growable text buffer for dumps, JSON and control-socket answers.
 * Always NUL-terminated; allocation failure is reported, never hidden.
 */
#ifndef L2TP_PROTO_SBUF_H
#define L2TP_PROTO_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct sbuf {
	char *s;
	size_t len;
	size_t cap;
	int failed; /* an allocation failed; contents are truncated */
};

void sbuf_init(struct sbuf *);
void sbuf_free(struct sbuf *);
void sbuf_reset(struct sbuf *);
int sbuf_putc(struct sbuf *, char);
int sbuf_puts(struct sbuf *, const char *);
int sbuf_putn(struct sbuf *, const char *, size_t);
int sbuf_printf(struct sbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
int sbuf_vprintf(struct sbuf *, const char *, va_list);
/* Lowercase hex without separators. */
int sbuf_hex(struct sbuf *, const uint8_t *, size_t);
/* A JSON string literal, quotes included, escaped as RFC 8259 requires. */
int sbuf_json_str(struct sbuf *, const char *);
/* Bytes >= 0x7f are escaped as \u00XX, so the result is ASCII JSON
 * whatever a peer put on the wire. */
int sbuf_json_strn(struct sbuf *, const char *, size_t);
/*
 * Text a peer wrote, made printable before it reaches a log line or the
 * text output of a command (vis(3)-like): printable ASCII as it is,
 * '\\' and '"' backslashed, every other byte as \xHH.  So a Host Name
 * can neither forge a log line (newline) nor drive a terminal (ESC).
 * JSON output has its own escaping (sbuf_json_strn).
 */
int sbuf_vis(struct sbuf *, const char *, size_t);
/* The same into a fixed buffer (cut at a whole escape); returns dst so
 * it can sit in a printf argument list.  STR_VIS_SIZE(n) holds n bytes
 * escaped in full. */
#define STR_VIS_SIZE(n) (4 * (n) + 1)
const char *str_vis(char *dst, size_t cap, const char *src);
/* The same for len bytes that may hold a NUL (a Remote End ID). */
const char *str_visn(char *dst, size_t cap, const char *src, size_t len);
/* Hand the string over; the sbuf is left empty. */
char *sbuf_take(struct sbuf *);

#endif
