# cli/: the operator's tools.
bin_PROGRAMS += cli/l2tpsh cli/l2tpdump

cli_l2tpsh_SOURCES = cli/l2tpsh.c cli/outfilter.c cli/outfilter.h
cli_l2tpsh_CFLAGS = $(AM_CFLAGS) $(LIBEDIT_CFLAGS)
cli_l2tpsh_LDADD = $(PROTO_LIBS) $(LIBEDIT_LIBS)

cli_l2tpdump_SOURCES = cli/l2tpdump.c
cli_l2tpdump_CFLAGS = $(AM_CFLAGS) $(LIBPCAP_CFLAGS)
cli_l2tpdump_LDADD = $(PROTO_LIBS) $(LIBPCAP_LIBS)

man_MANS += docs/l2tpsh.1
man_MANS += docs/l2tpdump.8
