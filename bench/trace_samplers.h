/*
 * Force-included (-include) into a copy of the model's sources built for
 * bench_floor: every sampler call and stream set-up of a replication also
 * appends a record of what it drew, so that the draws can be replayed alone.
 */
#ifndef CCSIM_TRACE_SAMPLERS_H
#define CCSIM_TRACE_SAMPLERS_H

#include "inversion.h"
#include "rng.h"
#include "sample.h"
#include "trace_record.h"

static inline void traced_rng_init(struct rng *r, uint64_t seed, uint64_t replication, uint64_t substream)
{
	trace_add(TRACE_STREAM, (int64_t)replication, (int64_t)substream, (double)seed, 0.0);
	rng_init(r, seed, replication, substream);
}
static inline int64_t traced_binomial(struct rng *r, int64_t n, double p)
{
	trace_add(TRACE_BINOMIAL, n, 0, p, 0.0);
	return sample_binomial(r, n, p);
}
static inline int64_t traced_binomial_source_draw(const struct binomial_source *source,
						   struct rng *r, int64_t n)
{
	trace_add(TRACE_BINOMIAL_AT, n, 0, source->rate.p, 0.0);
	return binomial_source_draw(source, r, n);
}
static inline int64_t traced_poisson(struct rng *r, double mu)
{
	trace_add(TRACE_POISSON, 0, 0, mu, 0.0);
	return sample_poisson(r, mu);
}
static inline int64_t traced_poisson_source_draw(const struct poisson_source *source,
						  struct rng *r)
{
	trace_add(TRACE_POISSON_AT, 0, 0, source->rate.mu, 0.0);
	return poisson_source_draw(source, r);
}
static inline double traced_normal(struct rng *r)
{
	trace_add(TRACE_NORMAL, 0, 0, 0.0, 0.0);
	return sample_normal(r);
}
static inline double traced_beta(struct rng *r, double a, double b)
{
	trace_add(TRACE_BETA, 0, 0, a, b);
	return sample_beta(r, a, b);
}
static inline int64_t traced_uniform_int(struct rng *r, int64_t lo, int64_t hi)
{
	trace_add(TRACE_UNIFORM_INT, lo, hi, 0.0, 0.0);
	return sample_uniform_int(r, lo, hi);
}
static inline int traced_bernoulli(struct rng *r, double p)
{
	trace_add(TRACE_BERNOULLI, 0, 0, p, 0.0);
	return sample_bernoulli(r, p);
}
static inline int64_t traced_without_replacement(struct rng *r, uint64_t n, uint64_t k,
						 struct draw_set *set, uint64_t *out)
{
	trace_add(TRACE_WITHOUT_REPLACEMENT, (int64_t)n, (int64_t)k, 0.0, 0.0);
	return sample_without_replacement(r, n, k, set, out);
}

/* The traced copy's own names, beside the library's untraced ones. */
#define replication_workspace_new traced_replication_workspace_new
#define replication_workspace_free traced_replication_workspace_free
#define replication_set_week_hook traced_replication_set_week_hook
#define replication_outcome traced_replication_outcome
#define replication_run traced_replication_run
#define component_names traced_component_names
#define inventory_start traced_inventory_start
#define inventory_week traced_inventory_week
#define inventory_prefetch traced_inventory_prefetch

#define rng_init traced_rng_init
#define sample_binomial traced_binomial
#define binomial_source_draw traced_binomial_source_draw
#define sample_poisson traced_poisson
#define poisson_source_draw traced_poisson_source_draw
#define sample_normal traced_normal
#define sample_beta traced_beta
#define sample_uniform_int traced_uniform_int
#define sample_bernoulli traced_bernoulli
#define sample_without_replacement traced_without_replacement

#endif
