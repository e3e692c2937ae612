/* modules/trace/hex_digit.h: the value of one hex digit, shared by the
 * trace module's JSON notation and umvisor-diff's JSON reader (two
 * binaries, hence inline). */
#ifndef UMV_TRACE_HEX_DIGIT_H
#define UMV_TRACE_HEX_DIGIT_H

/* 0..15, or -1 when C is not a hex digit. */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
