# daemon/: l2tpv3d.  Everything but main() is a library so unit tests can
# link the pieces they test.
noinst_LIBRARIES += daemon/libl2tpd.a
daemon_libl2tpd_a_SOURCES = \
	daemon/log.c daemon/log.h \
	daemon/config.c daemon/config.h \
	daemon/reliable.c daemon/reliable.h \
	daemon/handover.c daemon/handover.h \
	daemon/restart.c daemon/restart.h \
	daemon/control.c daemon/control.h \
	daemon/ctl_cmds.c daemon/ctl_cmds.h \
	daemon/cmd.c daemon/cmd.h daemon/cmd_impl.h daemon/cmd_table.c \
	daemon/cmd_show.c daemon/cmd_config.c daemon/cmd_ops.c \
	daemon/conf_save.c daemon/conf_save.h \
	daemon/idtable.c daemon/idtable.h \
	daemon/transport.c daemon/transport.h \
	daemon/ctlconn_fsm.c daemon/ctlconn_fsm.h \
	daemon/tunnel.c daemon/tunnel.h \
	daemon/tunnel_msg.c \
	daemon/session.c daemon/session.h \
	daemon/session_fsm.c daemon/session_fsm.h \
	daemon/session_msg.c \
	daemon/dataplane.c daemon/dataplane.h \
	daemon/pw.c daemon/pw.h \
	daemon/priv.c daemon/priv.h daemon/sandbox.c \
	daemon/pw_wait.c daemon/pw_wait.h \
	daemon/service.c daemon/service.h \
	daemon/metrics.c daemon/metrics.h daemon/metrics_http.c \
	daemon/optlib.c daemon/optlib.h \
	daemon/conf_json.c daemon/conf_json.h
daemon_libl2tpd_a_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) \
	$(LIBCONFUSE_CFLAGS) $(LIBCRYPTO_CFLAGS) $(LIBNL_CFLAGS) \
	$(LIBNLGENL_CFLAGS) $(LIBNLROUTE_CFLAGS) $(LIBCAPNG_CFLAGS) \
	$(LIBSECCOMP_CFLAGS) $(LIBSYSTEMD_CFLAGS) $(LIBMHD_CFLAGS)
DAEMON_LIBS = daemon/libl2tpd.a $(PROTO_LIBS) $(LIBEVENT_LIBS) \
	$(LIBCONFUSE_LIBS) $(LIBNLROUTE_LIBS) $(LIBNLGENL_LIBS) $(LIBNL_LIBS) \
	$(LIBCRYPTO_LIBS) $(LIBCAPNG_LIBS) $(LIBSECCOMP_LIBS)

sbin_PROGRAMS += daemon/l2tpv3d
daemon_l2tpv3d_SOURCES = daemon/l2tpv3d.c
daemon_l2tpv3d_CFLAGS = $(daemon_libl2tpd_a_CFLAGS)
daemon_l2tpv3d_LDADD = $(DAEMON_LIBS)

man_MANS += docs/l2tpv3d.conf.5

man_MANS += docs/l2tpv3d.8
EXTRA_DIST += docs/control-json.md
