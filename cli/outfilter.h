/*
 * Output filters after a command, as on a router's CLI:
 *
 *	show running-config | include secret
 *	show log | exclude control: | begin tunnel | count
 *
 * `include RE` keeps the lines that match the POSIX extended regular
 * expression RE, `exclude RE` drops them, `begin RE` starts the output at
 * the first line that matches, `count` prints how many lines there are.
 * Filters chain left to right; keywords may be abbreviated (`inc`, `ex`,
 * `beg`, `cou`).  The shell applies them to the daemon's answer, so every
 * command has them, text and JSON alike.
 */
#ifndef L2TP_CLI_OUTFILTER_H
#define L2TP_CLI_OUTFILTER_H

#include <stddef.h>

#include "proto/sbuf.h"

struct outfilter;

/*
 * Split a command line at its first `|` outside double quotes: the line
 * is cut there (trailing blanks dropped) and the filters after it are
 * compiled into *fp (NULL when there are none).  0, or -1 with a message
 * in err ("% ..." style).
 */
int outfilter_parse(char *line, struct outfilter **fp, char *err, size_t len);
/* The filtered text of an answer, appended to out. */
void outfilter_apply(
    const struct outfilter *, const char *text, size_t len, struct sbuf *out);
void outfilter_free(struct outfilter *);

#endif
