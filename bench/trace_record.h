/* One sampler call of a replication, as bench_floor records and replays it. */
#ifndef CCSIM_TRACE_RECORD_H
#define CCSIM_TRACE_RECORD_H

#include <stdint.h>

enum trace_kind {
	TRACE_STREAM,               /* rng_init: a Philox block */
	TRACE_BINOMIAL,             /* sample_binomial(n, p) */
	TRACE_BINOMIAL_AT,          /* binomial_source_draw(n, a cell's p) */
	TRACE_POISSON,              /* sample_poisson(mu) */
	TRACE_POISSON_AT,           /* poisson_source_draw(a cell's mu) */
	TRACE_NORMAL,
	TRACE_BETA,                 /* (a, b) */
	TRACE_UNIFORM_INT,          /* (lo, hi) */
	TRACE_BERNOULLI,            /* p */
	TRACE_WITHOUT_REPLACEMENT,  /* (n, k) */
	TRACE_KINDS
};

struct trace_record {
	int kind;
	int64_t n, k;
	double x, y;
};

void trace_add(int kind, int64_t n, int64_t k, double x, double y);

#endif
