/* tests/fuzz/fuzz_input.h: take typed values off the front of a libFuzzer
 * input. Past the end every value reads as zero, so any input is valid and
 * short inputs explore the simple cases first. */
#ifndef UMV_FUZZ_INPUT_H
#define UMV_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *data;
	size_t len;
};

static inline uint64_t fuzz_take(struct fuzz_input *in, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes && i < 8; i++) {
		if (in->len == 0)
			break;
		v |= (uint64_t)in->data[0] << (8 * i);
		in->data++;
		in->len--;
	}
	return v;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in) { return (uint8_t)fuzz_take(in, 1); }
static inline uint16_t fuzz_u16(struct fuzz_input *in) { return (uint16_t)fuzz_take(in, 2); }
static inline uint32_t fuzz_u32(struct fuzz_input *in) { return (uint32_t)fuzz_take(in, 4); }
static inline uint64_t fuzz_u64(struct fuzz_input *in) { return fuzz_take(in, 8); }

/* Up to MAX bytes (the count comes from the input), as a view. */
static inline size_t fuzz_bytes(struct fuzz_input *in, size_t max, const uint8_t **out)
{
	size_t n = fuzz_u16(in) % (max + 1);

	if (n > in->len)
		n = in->len;
	*out = in->data;
	in->data += n;
	in->len -= n;
	return n;
}

#endif
