# tests/: everything `make check` runs.
#
# Unit tests are cmocka programs over raw bytes; shell tests (.sh) drive
# the built programs, tshark, namespaces and VMs.  A shell test that lacks
# what it needs exits 77 (SKIP) only for reasons outside the project (not
# root); CI runs as root, so there nothing is skipped.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	TSHARK='$(TSHARK)'; PYTHON3='$(PYTHON3)'; \
	export top_srcdir top_builddir TSHARK PYTHON3;

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(LIBCRYPTO_CFLAGS)
UNIT_LIBS = $(PROTO_LIBS) $(CMOCKA_LIBS)

UNIT_PROTO_TESTS = \
	tests/unit/test_buf \
	tests/unit/test_avp \
	tests/unit/test_msg \
	tests/unit/test_schema \
	tests/unit/test_dump \
	tests/unit/test_digest \
	tests/unit/test_data
check_PROGRAMS += $(UNIT_PROTO_TESTS) tests/unit/test_reliable \
	tests/unit/test_handover tests/unit/test_conf_json
TESTS += $(UNIT_PROTO_TESTS) tests/unit/test_reliable \
	tests/unit/test_handover tests/unit/test_conf_json

tests_unit_test_buf_SOURCES = tests/unit/test_buf.c
tests_unit_test_buf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_buf_LDADD = $(UNIT_LIBS)
tests_unit_test_avp_SOURCES = tests/unit/test_avp.c
tests_unit_test_avp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_avp_LDADD = $(UNIT_LIBS)
tests_unit_test_msg_SOURCES = tests/unit/test_msg.c
tests_unit_test_msg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_msg_LDADD = $(UNIT_LIBS)
tests_unit_test_schema_SOURCES = tests/unit/test_schema.c
tests_unit_test_schema_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_schema_LDADD = $(UNIT_LIBS)
tests_unit_test_dump_SOURCES = tests/unit/test_dump.c
tests_unit_test_dump_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dump_LDADD = $(UNIT_LIBS)
tests_unit_test_digest_SOURCES = tests/unit/test_digest.c
tests_unit_test_digest_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_digest_LDADD = $(UNIT_LIBS)
tests_unit_test_data_SOURCES = tests/unit/test_data.c
tests_unit_test_data_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_data_LDADD = $(UNIT_LIBS)
tests_unit_test_reliable_SOURCES = tests/unit/test_reliable.c
tests_unit_test_reliable_CFLAGS = $(UNIT_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_reliable_LDADD = $(DAEMON_LIBS) $(CMOCKA_LIBS)
tests_unit_test_handover_SOURCES = tests/unit/test_handover.c
tests_unit_test_handover_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_handover_LDADD = $(DAEMON_LIBS) $(CMOCKA_LIBS)
tests_unit_test_conf_json_SOURCES = tests/unit/test_conf_json.c
tests_unit_test_conf_json_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conf_json_LDADD = $(DAEMON_LIBS) $(CMOCKA_LIBS)

# The control socket server with a fake command table, and l2tpsh
# against it; its own sources so it does not need the whole daemon.
check_PROGRAMS += tests/unit/test_control
TESTS += tests/unit/test_control
tests_unit_test_control_SOURCES = tests/unit/test_control.c \
	daemon/control.c daemon/log.c
tests_unit_test_control_CFLAGS = $(UNIT_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_control_LDFLAGS = $(AM_LDFLAGS) -pthread
tests_unit_test_control_LDADD = $(PROTO_LIBS) $(LIBEVENT_LIBS) $(CMOCKA_LIBS)

# The command grammar: matching, completion and help over a table.
check_PROGRAMS += tests/unit/test_cmd
TESTS += tests/unit/test_cmd
tests_unit_test_cmd_SOURCES = tests/unit/test_cmd.c daemon/cmd.c
tests_unit_test_cmd_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cmd_LDADD = $(UNIT_LIBS)

# The daemon core: ID table, control-connection FSM table, built messages.
DAEMON_UNIT_TESTS = tests/unit/test_idtable tests/unit/test_ctlconn_fsm \
	tests/unit/test_tunnel_msg tests/unit/test_session_fsm \
	tests/unit/test_pw_wait tests/unit/test_tunnel_pace
check_PROGRAMS += $(DAEMON_UNIT_TESTS)
TESTS += $(DAEMON_UNIT_TESTS)
# Least privilege: trusted files, script environment (daemon/priv.c).
check_PROGRAMS += tests/unit/test_priv
TESTS += tests/unit/test_priv
tests_unit_test_priv_SOURCES = tests/unit/test_priv.c
tests_unit_test_priv_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_priv_LDADD = $(DAEMON_LIBS) $(CMOCKA_LIBS)
tests_unit_test_idtable_SOURCES = tests/unit/test_idtable.c
tests_unit_test_idtable_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_idtable_LDADD = $(DAEMON_LIBS) $(CMOCKA_LIBS)
tests_unit_test_pw_wait_SOURCES = tests/unit/test_pw_wait.c
tests_unit_test_pw_wait_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pw_wait_LDADD = $(DAEMON_LIBS) $(CMOCKA_LIBS)
tests_unit_test_tunnel_pace_SOURCES = tests/unit/test_tunnel_pace.c
tests_unit_test_tunnel_pace_CFLAGS = $(UNIT_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_tunnel_pace_LDADD = $(DAEMON_LIBS) $(CMOCKA_LIBS)
tests_unit_test_ctlconn_fsm_SOURCES = tests/unit/test_ctlconn_fsm.c
tests_unit_test_ctlconn_fsm_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ctlconn_fsm_LDADD = $(DAEMON_LIBS) $(CMOCKA_LIBS)
tests_unit_test_tunnel_msg_SOURCES = tests/unit/test_tunnel_msg.c
tests_unit_test_tunnel_msg_CFLAGS = $(UNIT_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_tunnel_msg_LDADD = $(DAEMON_LIBS) $(CMOCKA_LIBS)
tests_unit_test_session_fsm_SOURCES = tests/unit/test_session_fsm.c
tests_unit_test_session_fsm_CFLAGS = $(UNIT_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_session_fsm_LDADD = $(DAEMON_LIBS) $(CMOCKA_LIBS)

# The wire judge: a generator writes a pcap of messages built by proto/,
# tshark decodes it.
check_PROGRAMS += tests/tshark/gen_pcap
tests_tshark_gen_pcap_SOURCES = tests/tshark/gen_pcap.c
tests_tshark_gen_pcap_LDADD = $(PROTO_LIBS)
TESTS += tests/tshark/wire.sh

# l2tpdump against real third-party captures.
TESTS += tests/l2tpdump/captures.sh

# No loops between the daemon's files (scripts/check-deps over nm).
TESTS += tests/check-deps.sh
EXTRA_DIST += tests/check-deps.sh scripts/check-deps scripts/check-deps.allow \
	tests/bump-version.py

# Configuration: golden round trips and error messages.  conftest is
# config_load + config_print alone, so these tests need no other part of
# the daemon.
check_PROGRAMS += tests/conf/conftest
tests_conf_conftest_SOURCES = tests/conf/conftest.c daemon/config.c \
	daemon/log.c daemon/addr.c daemon/idtable.c
tests_conf_conftest_CFLAGS = $(AM_CFLAGS) $(LIBCONFUSE_CFLAGS)
tests_conf_conftest_LDADD = $(PROTO_LIBS) $(LIBCONFUSE_LIBS)
TESTS += tests/conf/golden.sh
check_PROGRAMS += tests/conf/test_config
TESTS += tests/conf/test_config
tests_conf_test_config_SOURCES = tests/conf/test_config.c daemon/config.c \
	daemon/log.c daemon/addr.c daemon/idtable.c
tests_conf_test_config_CFLAGS = $(UNIT_CFLAGS) $(LIBCONFUSE_CFLAGS) \
	-DTOP_SRCDIR=\"$(abs_top_srcdir)\"
tests_conf_test_config_LDADD = $(PROTO_LIBS) $(LIBCONFUSE_LIBS) \
	$(CMOCKA_LIBS)
check_PROGRAMS += tests/conf/test_conf_diff
TESTS += tests/conf/test_conf_diff
tests_conf_test_conf_diff_SOURCES = tests/conf/test_conf_diff.c \
	daemon/conf_diff.c daemon/config.c daemon/log.c \
	daemon/addr.c daemon/idtable.c
tests_conf_test_conf_diff_CFLAGS = $(UNIT_CFLAGS) $(LIBCONFUSE_CFLAGS)
tests_conf_test_conf_diff_LDADD = $(PROTO_LIBS) $(LIBCONFUSE_LIBS) \
	$(CMOCKA_LIBS)

# Logging: ring buffer, errno handling, suppressed debug.
check_PROGRAMS += tests/unit/test_log
tests_unit_test_log_SOURCES = tests/unit/test_log.c daemon/log.c
tests_unit_test_log_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_log_LDADD = $(UNIT_LIBS)
TESTS += tests/unit/test_log

# Fuzz targets: always built as corpus replayers (so they cannot rot and
# every seed is a regression test); with --enable-fuzzing also as
# libFuzzer binaries run for a bounded time.  ctrl and data: the codec;
# reliable: the reliable layer alone; tunnel, session and cmd: the daemon
# without sockets (tests/fuzz/harness.c: transport.c's socket calls are
# wrapped at link time, the clock is fake); config: the loader;
# handover: the graceful-restart state decoder.
FUZZ_TARGETS = tests/fuzz/fuzz_ctrl tests/fuzz/fuzz_data \
	tests/fuzz/fuzz_reliable tests/fuzz/fuzz_tunnel \
	tests/fuzz/fuzz_session tests/fuzz/fuzz_cmd tests/fuzz/fuzz_config \
	tests/fuzz/fuzz_handover
FUZZ_WRAP = -Wl,--wrap=tp_listen,--wrap=tp_listener_close \
	-Wl,--wrap=tp_set_rcvbuf,--wrap=tp_listener_kind \
	-Wl,--wrap=tp_listener_family,--wrap=tp_listener_encap \
	-Wl,--wrap=tp_listener_addr,--wrap=tp_listener_send \
	-Wl,--wrap=tp_tunnel_socket,--wrap=tp_read,--wrap=tp_send \
	-Wl,--wrap=tp_route_source
FUZZ_HARNESS = tests/fuzz/harness.c tests/fuzz/harness.h \
	tests/fuzz/fuzz_world.c tests/fuzz/fuzz_check.h daemon/config.c
# config.c parses in the calling thread (see tests/fuzz/fuzz_world.c).
FUZZ_NOTHREAD = -Dpthread_create=fuzz_pthread_create
FUZZ_DAEMON_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBCONFUSE_CFLAGS) \
	$(FUZZ_NOTHREAD)
FUZZ_CONFIG_SRC = tests/fuzz/fuzz_config.c tests/fuzz/fuzz_world.c \
	daemon/config.c daemon/log.c daemon/addr.c daemon/idtable.c \
	tests/fuzz/fuzz_check.h
FUZZ_CONFIG_LIBS = $(PROTO_LIBS) $(LIBCONFUSE_LIBS)
check_PROGRAMS += tests/fuzz/replay_ctrl tests/fuzz/replay_data \
	tests/fuzz/replay_reliable tests/fuzz/replay_tunnel \
	tests/fuzz/replay_session tests/fuzz/replay_cmd \
	tests/fuzz/replay_config tests/fuzz/replay_handover
tests_fuzz_replay_ctrl_SOURCES = tests/fuzz/fuzz_ctrl.c tests/fuzz/replay.c \
	tests/fuzz/json_check.c tests/fuzz/json_check.h \
	tests/fuzz/fuzz_check.h
tests_fuzz_replay_ctrl_LDADD = $(PROTO_LIBS)
tests_fuzz_replay_data_SOURCES = tests/fuzz/fuzz_data.c tests/fuzz/replay.c \
	tests/fuzz/fuzz_check.h
tests_fuzz_replay_data_LDADD = $(PROTO_LIBS)
tests_fuzz_replay_reliable_SOURCES = tests/fuzz/fuzz_reliable.c \
	tests/fuzz/replay.c tests/fuzz/fuzz_check.h
tests_fuzz_replay_reliable_LDADD = $(DAEMON_LIBS)
tests_fuzz_replay_tunnel_SOURCES = tests/fuzz/fuzz_tunnel.c \
	tests/fuzz/replay.c $(FUZZ_HARNESS)
tests_fuzz_replay_tunnel_CFLAGS = $(FUZZ_DAEMON_CFLAGS)
tests_fuzz_replay_tunnel_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_WRAP)
tests_fuzz_replay_tunnel_LDADD = $(DAEMON_LIBS)
tests_fuzz_replay_session_SOURCES = tests/fuzz/fuzz_session.c \
	tests/fuzz/replay.c $(FUZZ_HARNESS)
tests_fuzz_replay_session_CFLAGS = $(FUZZ_DAEMON_CFLAGS)
tests_fuzz_replay_session_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_WRAP)
tests_fuzz_replay_session_LDADD = $(DAEMON_LIBS)
tests_fuzz_replay_cmd_SOURCES = tests/fuzz/fuzz_cmd.c tests/fuzz/replay.c \
	tests/fuzz/json_check.c tests/fuzz/json_check.h $(FUZZ_HARNESS)
tests_fuzz_replay_cmd_CFLAGS = $(FUZZ_DAEMON_CFLAGS)
tests_fuzz_replay_cmd_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_WRAP)
tests_fuzz_replay_cmd_LDADD = $(DAEMON_LIBS)
tests_fuzz_replay_config_SOURCES = $(FUZZ_CONFIG_SRC) tests/fuzz/replay.c
tests_fuzz_replay_config_CFLAGS = $(AM_CFLAGS) $(LIBCONFUSE_CFLAGS) \
	$(FUZZ_NOTHREAD)
tests_fuzz_replay_config_LDFLAGS = $(AM_LDFLAGS) -pthread
tests_fuzz_replay_config_LDADD = $(FUZZ_CONFIG_LIBS)
tests_fuzz_replay_handover_SOURCES = tests/fuzz/fuzz_handover.c \
	tests/fuzz/replay.c tests/fuzz/fuzz_check.h
tests_fuzz_replay_handover_LDADD = $(DAEMON_LIBS)
TESTS += tests/fuzz/replay.sh
if FUZZING
check_PROGRAMS += $(FUZZ_TARGETS)
tests_fuzz_fuzz_ctrl_SOURCES = tests/fuzz/fuzz_ctrl.c \
	tests/fuzz/json_check.c tests/fuzz/json_check.h
tests_fuzz_fuzz_ctrl_LDADD = $(PROTO_LIBS)
tests_fuzz_fuzz_ctrl_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_data_SOURCES = tests/fuzz/fuzz_data.c
tests_fuzz_fuzz_data_LDADD = $(PROTO_LIBS)
tests_fuzz_fuzz_data_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_reliable_SOURCES = tests/fuzz/fuzz_reliable.c
tests_fuzz_fuzz_reliable_LDADD = $(DAEMON_LIBS)
tests_fuzz_fuzz_reliable_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_tunnel_SOURCES = tests/fuzz/fuzz_tunnel.c $(FUZZ_HARNESS)
tests_fuzz_fuzz_tunnel_CFLAGS = $(FUZZ_DAEMON_CFLAGS)
tests_fuzz_fuzz_tunnel_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_WRAP) -fsanitize=fuzzer
tests_fuzz_fuzz_tunnel_LDADD = $(DAEMON_LIBS)
tests_fuzz_fuzz_session_SOURCES = tests/fuzz/fuzz_session.c $(FUZZ_HARNESS)
tests_fuzz_fuzz_session_CFLAGS = $(FUZZ_DAEMON_CFLAGS)
tests_fuzz_fuzz_session_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_WRAP) \
	-fsanitize=fuzzer
tests_fuzz_fuzz_session_LDADD = $(DAEMON_LIBS)
tests_fuzz_fuzz_cmd_SOURCES = tests/fuzz/fuzz_cmd.c tests/fuzz/json_check.c \
	tests/fuzz/json_check.h $(FUZZ_HARNESS)
tests_fuzz_fuzz_cmd_CFLAGS = $(FUZZ_DAEMON_CFLAGS)
tests_fuzz_fuzz_cmd_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_WRAP) -fsanitize=fuzzer
tests_fuzz_fuzz_cmd_LDADD = $(DAEMON_LIBS)
tests_fuzz_fuzz_config_SOURCES = $(FUZZ_CONFIG_SRC)
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) $(LIBCONFUSE_CFLAGS) \
	$(FUZZ_NOTHREAD)
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) -pthread -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDADD = $(FUZZ_CONFIG_LIBS)
tests_fuzz_fuzz_handover_SOURCES = tests/fuzz/fuzz_handover.c
tests_fuzz_fuzz_handover_LDADD = $(DAEMON_LIBS)
tests_fuzz_fuzz_handover_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
TESTS += tests/fuzz/run-fuzz.sh
endif

# Two daemons in two network namespaces (control plane, no kernel L2TP).
# The longest first, so that `make -jN check` overlaps them.
NS_TESTS = \
	tests/ns/netem.sh \
	tests/ns/spoof-sccrq.sh \
	tests/ns/tie-breaker.sh \
	tests/ns/peer-dead.sh \
	tests/ns/peer-restart.sh \
	tests/ns/restart-storm.sh \
	tests/ns/reload-in-place.sh \
	tests/ns/commit.sh \
	tests/ns/wire-judge.sh \
	tests/ns/wrong-secret.sh \
	tests/ns/tunnel-matrix.sh \
	tests/ns/cisco-peer.sh \
	tests/ns/session-cisco.sh \
	tests/ns/session-basic.sh \
	tests/ns/session-reload.sh \
	tests/ns/tunnel-basic.sh \
	tests/ns/control-shell.sh \
	tests/ns/peer-reuses-ccid.sh \
	tests/ns/port-lock.sh \
	tests/ns/privsep.sh \
	tests/ns/graceful-restart.sh \
	tests/ns/graceful-restart-fail.sh \
	tests/ns/graceful-privsep.sh \
	tests/ns/graceful-peers.sh
TESTS += $(NS_TESTS)
EXTRA_DIST += tests/ns/lib.sh $(NS_TESTS) tests/ns/cisco_peer.py \
	tests/ns/impair.py
EXTRA_DIST += tests/ns/cisco_session_peer.py tests/ns/restart_peer.py \
	tests/ns/spoof_sccrq.py

# The peer zoo (tests/peers/): scripted peers replaying real traffic
# (Cisco IOS, freeRtr, xcesp, VECTOR CCS/OpenRPD) against l2tpv3d in
# both roles, in namespaces.  Slowest first.
PEER_TESTS = tests/peers/zoo-cisco-draft.sh tests/peers/zoo-xcesp.sh \
	tests/peers/zoo-openrpd.sh tests/peers/zoo-freertr.sh \
	tests/peers/zoo-cisco-ietf.sh
TESTS += $(PEER_TESTS)
EXTRA_DIST += $(PEER_TESTS) tests/peers/lib.sh tests/peers/peerlib.py \
	tests/peers/profiles.py tests/peers/zoo.py tests/peers/data

# l2tpsh and the command layer against running daemons: every show in
# text and JSON, run-time configuration and write memory between two
# daemons, the interactive shell in tmux, socket permissions.
SHELL_TESTS = tests/shell/runtime-config.sh tests/shell/show.sh \
	tests/shell/show-session.sh \
	tests/shell/filters.sh tests/shell/options.sh \
	tests/shell/interactive.sh tests/shell/permissions.sh \
	tests/shell/write-nonblocking.sh tests/shell/control-tiers.sh
# Operations (issue 13): metrics, systemd notification, the unit.
SHELL_TESTS += tests/shell/metrics.sh tests/shell/sd-notify.sh \
	tests/shell/unit-verify.sh
TESTS += $(SHELL_TESTS)
EXTRA_DIST += tests/shell/notify_listen.py tests/shell/http_get.py
EXTRA_DIST += $(SHELL_TESTS) tests/shell/lib.sh tests/shell/json_subset.py \
	tests/shell/slow_fsync.c \
	tests/shell/data_pcap.py tests/shell/golden

EXTRA_DIST += tests/lib.sh tests/captures tests/fuzz/corpus docs/fuzzing.md \
	tests/fuzz/run-fuzz.sh tests/fuzz/replay.sh tests/fuzz/l2tp.dict \
	tests/tshark/wire.sh tests/l2tpdump/captures.sh \
	tests/conf/golden.sh tests/conf/cases

# The kernel dataplane, in a VM: this machine's kernel may have no L2TP,
# so each test boots Debian's stock kernel under qemu (tests/vm/vm-run.sh,
# see docs/vm-tests.md) and runs there.  dp_tool drives
# daemon/dataplane.c alone, facing `ip l2tp` on the other side.
check_PROGRAMS += tests/vm/dp_tool
tests_vm_dp_tool_SOURCES = tests/vm/dp_tool.c daemon/dataplane.c \
	daemon/dataplane.h daemon/log.c
tests_vm_dp_tool_CFLAGS = $(AM_CFLAGS) $(LIBNL_CFLAGS) $(LIBNLGENL_CFLAGS) \
	$(LIBNLROUTE_CFLAGS)
tests_vm_dp_tool_LDADD = $(PROTO_LIBS) $(LIBNLROUTE_LIBS) $(LIBNLGENL_LIBS) \
	$(LIBNL_LIBS)
# Its pure parts (adopt-or-replace decisions, cookies) need no kernel.
check_PROGRAMS += tests/vm/test_dp_diff
TESTS += tests/vm/test_dp_diff
tests_vm_test_dp_diff_SOURCES = tests/vm/test_dp_diff.c daemon/dataplane.c \
	daemon/log.c
tests_vm_test_dp_diff_CFLAGS = $(tests_vm_dp_tool_CFLAGS) $(CMOCKA_CFLAGS)
tests_vm_test_dp_diff_LDADD = $(tests_vm_dp_tool_LDADD) $(CMOCKA_LIBS)
VM_TESTS = tests/vm/dynamic.sh tests/vm/static-interop.sh \
	tests/vm/restart-responder.sh \
	tests/vm/static-daemon.sh tests/vm/static-ipv6.sh tests/vm/lan.sh \
	tests/vm/vlan-seq.sh tests/vm/ipv6-ll.sh tests/vm/privsep.sh \
	tests/vm/static-restart.sh tests/vm/startup-order.sh \
	tests/vm/graceful-restart.sh tests/vm/commit.sh
TESTS += $(VM_TESTS)
EXTRA_DIST += $(VM_TESTS) tests/vm/vm-run.sh tests/vm/init tests/vm/lib.sh \
	tests/vm/README.md docs/vm-tests.md

# The benchmark driver at toy scale (bench/; the helpers it runs are built
# by `make`), so that it keeps working between benchmark runs.
TESTS += tests/bench/smoke.sh
EXTRA_DIST += tests/bench/smoke.sh
