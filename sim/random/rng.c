#include "rng.h"

void rng_philox4x64(const uint64_t counter[4], const uint64_t key[2], uint64_t out[4])
{
	philox4x64_ctr_t c = {{counter[0], counter[1], counter[2], counter[3]}};
	philox4x64_key_t k = {{key[0], key[1]}};
	philox4x64_ctr_t block = philox4x64_R(10, c, k);
	for (int i = 0; i < 4; i++)
		out[i] = block.v[i];
}

void rng_set_state(struct rng *r, const uint64_t state[4])
{
	for (int i = 0; i < 4; i++)
		r->s[i] = state[i];
}
