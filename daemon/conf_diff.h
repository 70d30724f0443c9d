/*
 * What a new configuration changes, object by object, and what applying
 * it does (`show configuration diff`, `commit`, SIGHUP's log).  How a
 * change applies comes from the option table's apply field alone
 * (config_opt()), taken over the options whose value in effect changed.
 */
#ifndef L2TP_DAEMON_CONF_DIFF_H
#define L2TP_DAEMON_CONF_DIFF_H

#include "daemon/config.h"
#include "proto/sbuf.h"

/*
 * The difference a -> b.  diff (NULL: not wanted) gets the set-only
 * lines in the file's syntax, "-" for a's, "+" for b's, inside their
 * tunnel and session blocks; what gets one line per changed object:
 * "tunnel t: in place (hello-interval)", "... restarts tunnel t
 * (StopCCN): remote", and so on.  Each of b's tunnels that a has too
 * gets the verdict in its `reload` (tunnels_reload() acts on it).
 * Returns how many objects changed.
 */
int conf_diff(const struct daemon_conf *a, struct daemon_conf *b,
    struct sbuf *diff, struct sbuf *what);

#endif
