/*
 * rng: one random stream per (seed, replication, substream).
 *
 * The stream's 256-bit state is one Philox4x64-10 block (Random123) keyed by
 * the seed, with the replication index and the substream number as counter;
 * the stream then runs xoshiro256++ from that state. A replication therefore
 * draws the same numbers whatever thread or process runs it, and every part
 * of the model (each district-and-category's weekly dynamics, the inspection,
 * the survey, ...) has a substream of its own, so that changing one input
 * leaves the draws of every other part untouched: common random numbers.
 */
#ifndef CCSIM_RNG_H
#define CCSIM_RNG_H

#include <stdint.h>

#include <Random123/philox.h>

struct rng {
	uint64_t s[4];
};

/* Substreams of one replication. Per-cell dynamics streams start at
 * RNG_SUBSTREAM_CELLS: cell k uses RNG_SUBSTREAM_CELLS + k. */
enum rng_substream {
	RNG_SUBSTREAM_INSPECTION = 1,
	RNG_SUBSTREAM_MATERIALS,
	RNG_SUBSTREAM_SURVEY,
	RNG_SUBSTREAM_OVERALL,
	RNG_SUBSTREAM_NEGATIVE,
	RNG_SUBSTREAM_BONUS,
	RNG_SUBSTREAM_MINORS,
	RNG_SUBSTREAM_COMPETITION,
	RNG_SUBSTREAM_CELLS = 64
};

/* Policy p's plugin draws from RNG_SUBSTREAM_POLICIES + p, past every cell's. */
#define RNG_SUBSTREAM_POLICIES (UINT64_C(1) << 32)

/* Tags the key so that ccsim's streams differ from any other user of Philox
 * keyed by the bare seed. */
#define RNG_KEY_TAG UINT64_C(0x636373696d2d7631) /* "ccsim-v1" */

/* Positions R at the start of the stream for (SEED, REPLICATION, SUBSTREAM).
 * Inline: a replication starts 120 streams of the demo, and a call into
 * another unit kept the core from overlapping one Philox block with the
 * next (31 ns a stream against 16). */
static inline void rng_init(struct rng *r, uint64_t seed, uint64_t replication, uint64_t substream)
{
	philox4x64_ctr_t counter = {{replication, substream, 0, 0}};
	philox4x64_key_t key = {{seed, RNG_KEY_TAG}};
	philox4x64_ctr_t block = philox4x64_R(10, counter, key);
	for (int i = 0; i < 4; i++)
		r->s[i] = block.v[i];
	/* xoshiro must not start from the all-zero state (probability 2^-256). */
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		r->s[0] = 1;
}

/* Sets R's state directly (known-answer tests of xoshiro256++). */
void rng_set_state(struct rng *r, const uint64_t state[4]);

/* The Philox4x64-10 block for (counter, key) (known-answer tests). */
void rng_philox4x64(const uint64_t counter[4], const uint64_t key[2], uint64_t out[4]);

/* The next 64 uniformly distributed bits (xoshiro256++). */
static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t sum = s[0] + s[3];
	uint64_t result = ((sum << 23) | (sum >> 41)) + s[0];
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return result;
}

/* Uniform on [0, 1), a multiple of 2^-53. */
static inline double rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform on (0, 1), an odd multiple of 2^-54: safe under log(). */
static inline double rng_uniform_open(struct rng *r)
{
	return ((double)(rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

#endif
