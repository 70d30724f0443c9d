/*
 * A strict JSON syntax check (RFC 8259), shared by the fuzz targets.
 */
#ifndef L2TP_TESTS_FUZZ_JSON_CHECK_H
#define L2TP_TESTS_FUZZ_JSON_CHECK_H

/* 1 when s (NUL-terminated) is exactly one JSON value. */
int json_valid(const char *s);

#endif
