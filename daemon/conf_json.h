/*
 * The configuration as JSON (`show running-config json`), from the text
 * config_print_flags() writes: the option table's printers are the one
 * place that knows how each option is shown, and this only changes the
 * notation.
 */
#ifndef L2TP_DAEMON_CONF_JSON_H
#define L2TP_DAEMON_CONF_JSON_H

#include "proto/sbuf.h"

/*
 * {"global": {OPTION: VALUE...}, "tunnels": {NAME: {OPTION: VALUE...,
 * "sessions": {NAME: {...}}}}}.  VALUE: yes/no as true/false, a decimal
 * number without leading zero as a number, a list as an array of
 * strings, anything else as a string.  0, or -1 if text is not in
 * config_print_flags()'s form.
 */
int conf_json(struct sbuf *out, const char *text);

#endif
