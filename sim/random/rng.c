#include "rng.h"

#include <Random123/philox.h>

/* Tags the key so that ccsim's streams differ from any other user of Philox
 * keyed by the bare seed. */
#define RNG_KEY_TAG UINT64_C(0x636373696d2d7631) /* "ccsim-v1" */

void rng_philox4x64(const uint64_t counter[4], const uint64_t key[2], uint64_t out[4])
{
	philox4x64_ctr_t c = {{counter[0], counter[1], counter[2], counter[3]}};
	philox4x64_key_t k = {{key[0], key[1]}};
	philox4x64_ctr_t block = philox4x64_R(10, c, k);
	for (int i = 0; i < 4; i++)
		out[i] = block.v[i];
}

void rng_init(struct rng *r, uint64_t seed, uint64_t replication, uint64_t substream)
{
	const uint64_t counter[4] = {replication, substream, 0, 0};
	const uint64_t key[2] = {seed, RNG_KEY_TAG};
	rng_philox4x64(counter, key, r->s);
	/* xoshiro must not start from the all-zero state (probability 2^-256). */
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		r->s[0] = 1;
}

void rng_set_state(struct rng *r, const uint64_t state[4])
{
	for (int i = 0; i < 4; i++)
		r->s[i] = state[i];
}
