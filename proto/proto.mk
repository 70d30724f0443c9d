# proto/: the wire format. Pure C, no I/O, no globals.
noinst_LIBRARIES += proto/libl2tpproto.a
proto_libl2tpproto_a_SOURCES = \
	proto/l2tp.h \
	proto/buf.c proto/buf.h \
	proto/sbuf.c proto/sbuf.h \
	proto/avp.h proto/avp.c proto/avp_dict.c proto/hidden.c \
	proto/msg.h proto/msg.c \
	proto/schema.h proto/schema.c \
	proto/digest.h proto/digest.c \
	proto/data.h proto/data.c \
	proto/dump.h proto/dump.c \
	proto/pcapwalk.h proto/pcapwalk.c \
	proto/pktpeek.h proto/pktpeek.c \
	proto/ctlproto.h proto/ctlproto.c
proto_libl2tpproto_a_CFLAGS = $(AM_CFLAGS) $(LIBCRYPTO_CFLAGS)
PROTO_LIBS = proto/libl2tpproto.a $(LIBCRYPTO_LIBS)
