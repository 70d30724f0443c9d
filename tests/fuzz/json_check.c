/*
 * A strict JSON syntax check (RFC 8259) for the fuzz targets: whatever
 * the daemon or proto/ emits as JSON must parse for every JSON reader.
 */
#include <string.h>

#include "tests/fuzz/json_check.h"

#define JSON_MAX_DEPTH 64

/* Each parser returns the index after what it read, or -1. */
static long json_value(const char *s, long i, int depth);

static long
json_ws(const char *s, long i)
{
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
		i++;
	return i;
}

static long
json_string(const char *s, long i)
{
	int k;

	if (s[i++] != '"')
		return -1;
	for (;;) {
		unsigned char c = (unsigned char)s[i++];

		if (c == '"')
			return i;
		if (c < 0x20)
			return -1; /* includes the terminating NUL */
		if (c != '\\')
			continue;
		c = (unsigned char)s[i++];
		if (c == 'u') {
			for (k = 0; k < 4; k++)
				if (strchr("0123456789abcdefABCDEF", s[i++]) ==
					NULL ||
				    s[i - 1] == '\0')
					return -1;
		} else if (c == '\0' || strchr("\"\\/bfnrt", c) == NULL) {
			return -1;
		}
	}
}

static long
json_digits(const char *s, long i)
{
	long start = i;

	while (s[i] >= '0' && s[i] <= '9')
		i++;
	return i == start ? -1 : i;
}

static long
json_number(const char *s, long i)
{
	if (s[i] == '-')
		i++;
	if (s[i] == '0')
		i++;
	else if ((i = json_digits(s, i)) == -1)
		return -1;
	if (s[i] == '.' && (i = json_digits(s, i + 1)) == -1)
		return -1;
	if (s[i] == 'e' || s[i] == 'E') {
		i++;
		if (s[i] == '+' || s[i] == '-')
			i++;
		if ((i = json_digits(s, i)) == -1)
			return -1;
	}
	return i;
}

static long
json_members(const char *s, long i, int depth, char close, int keyed)
{
	i = json_ws(s, i + 1);
	if (s[i] == close)
		return i + 1;
	for (;;) {
		if (keyed) {
			if ((i = json_string(s, json_ws(s, i))) == -1)
				return -1;
			i = json_ws(s, i);
			if (s[i++] != ':')
				return -1;
		}
		if ((i = json_value(s, i, depth + 1)) == -1)
			return -1;
		i = json_ws(s, i);
		if (s[i] == close)
			return i + 1;
		if (s[i++] != ',')
			return -1;
	}
}

static long
json_value(const char *s, long i, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return -1;
	i = json_ws(s, i);
	switch (s[i]) {
	case '{':
		return json_members(s, i, depth, '}', 1);
	case '[':
		return json_members(s, i, depth, ']', 0);
	case '"':
		return json_string(s, i);
	case 't':
		return strncmp(s + i, "true", 4) == 0 ? i + 4 : -1;
	case 'f':
		return strncmp(s + i, "false", 5) == 0 ? i + 5 : -1;
	case 'n':
		return strncmp(s + i, "null", 4) == 0 ? i + 4 : -1;
	default:
		return json_number(s, i);
	}
}

int
json_valid(const char *s)
{
	long end;

	if (s == NULL)
		return 0;
	end = json_value(s, 0, 0);
	return end != -1 && s[json_ws(s, end)] == '\0';
}
