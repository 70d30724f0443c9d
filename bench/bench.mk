# bench/: benchmarks; not part of make check (a smoke run is, in tests/).
# `make` builds the helpers; bench/l2tpbench.py is the driver
# (see docs/performance.md).
noinst_PROGRAMS += bench/codec_bench bench/udpblast
bench_codec_bench_SOURCES = bench/codec_bench.c bench/bench_clock.h
bench_codec_bench_CFLAGS = $(AM_CFLAGS) $(LIBCRYPTO_CFLAGS)
bench_codec_bench_LDADD = $(PROTO_LIBS)
bench_udpblast_SOURCES = bench/udpblast.c bench/bench_clock.h
EXTRA_DIST += bench/l2tpbench.py bench/vm-kernel.sh docs/performance.md
