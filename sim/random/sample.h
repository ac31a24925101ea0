/*
 * sample: exact samplers over an rng stream.
 *
 * Every sampler draws from the distribution it names exactly (up to the
 * 2^-53 resolution of a uniform and, for the two inversion loops, a
 * truncation of the tail beyond ten standard deviations plus twenty, a mass
 * below 1e-20). Small means use inversion (one uniform a draw, which keeps
 * common random numbers aligned); large ones use Hoermann's transformed
 * rejection (BTRS, PTRS), whose cost does not grow with the mean.
 */
#ifndef CCSIM_SAMPLE_H
#define CCSIM_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

/* Uniform on {0, ..., n-1}, n >= 1 (Lemire's multiply-and-reject). */
uint64_t sample_below(struct rng *r, uint64_t n);

/* Uniform on {lo, ..., hi}, lo <= hi. */
int64_t sample_uniform_int(struct rng *r, int64_t lo, int64_t hi);

/* 1 with probability p, else 0. */
int sample_bernoulli(struct rng *r, double p);

/* Binomial(n, p), n >= 0, p in [0, 1]. */
int64_t sample_binomial(struct rng *r, int64_t n, double p);

/*
 * What Binomial(n, p) needs of p alone, worked out once for the many draws
 * at one p and varying n (a district's weekly rectification): the same
 * draws as sample_binomial, without its logarithms.
 */
struct binomial_rate {
	double p;          /* as given */
	double low;        /* min(p, 1 - p): draws count the rarer outcome */
	double q;          /* 1 - low */
	double log_q;      /* log(q) */
	double odds;       /* low / q */
	double log_odds;   /* log(low / q) */
};

void sample_binomial_rate_init(struct binomial_rate *rate, double p);
int64_t sample_binomial_at(struct rng *r, int64_t n, const struct binomial_rate *rate);

/* Poisson(mu), mu >= 0. */
int64_t sample_poisson(struct rng *r, double mu);

/* What Poisson(mu) needs of mu, worked out once for many draws at one mean. */
struct poisson_rate {
	double mu;
	double exp_neg_mu;   /* inversion, mu < 10 */
	double bound;        /* inversion: the tail beyond is restarted */
	double log_mu;       /* PTRS, mu >= 10 */
	double a, b, log_alpha, v_r;
};

void sample_poisson_rate_init(struct poisson_rate *rate, double mu);
int64_t sample_poisson_at(struct rng *r, const struct poisson_rate *rate);

/* Standard normal (the ziggurat: one 64-bit draw for most variates). */
double sample_normal(struct rng *r);

/* Exp(1) (the ziggurat: one 64-bit draw and no logarithm for most variates). */
double sample_exponential(struct rng *r);

/*
 * The exponential ziggurat (Marsaglia and Tsang, 2000, as the normal's:
 * layer and position from separate bits of one draw): 256 layers of equal
 * area V under exp(-x); the base layer's rectangle ends at R, past which
 * the tail is R + Exp(1) (the exponential has no memory). Its layers are
 * read-only once filled; a caller drawing many keeps them at hand.
 */
#define SAMPLE_EXP_ZIGGURAT_LAYERS 256
#define SAMPLE_EXP_ZIGGURAT_R 7.69711747013104972
#define SAMPLE_EXP_ZIGGURAT_AREA 3.949659822581572e-3

struct sample_exp_ziggurat {
	double x[SAMPLE_EXP_ZIGGURAT_LAYERS + 1];   /* layer edges; x[0] widens the base to area V */
	double ratio[SAMPLE_EXP_ZIGGURAT_LAYERS];   /* x[i + 1] / x[i]: inside the next layer's edge */
	double f[SAMPLE_EXP_ZIGGURAT_LAYERS + 1];   /* exp(-x[i]) */
};

const struct sample_exp_ziggurat *sample_exponential_layers(void);
/* The draw of sample_exponential_with outside layer I's rectangle (U its position). */
double sample_exponential_outside(const struct sample_exp_ziggurat *z, struct rng *r, int i,
				  double u);

/* sample_exponential from the layers Z, inline inside a layer's rectangle. */
static inline double sample_exponential_with(const struct sample_exp_ziggurat *z, struct rng *r)
{
	uint64_t bits = rng_next(r);
	int i = (int)(bits & (SAMPLE_EXP_ZIGGURAT_LAYERS - 1));
	double u = (double)(bits >> 11) * 0x1.0p-53;  /* [0, 1) */
	if (__builtin_expect(u < z->ratio[i], 1))
		return u * z->x[i];  /* most draws */
	return sample_exponential_outside(z, r, i, u);
}

/* log of a Gamma(shape, 1) variate, shape > 0 (Marsaglia-Tsang; in logs so
 * that tiny shapes do not underflow). */
double sample_log_gamma(struct rng *r, double shape);

/* Beta(a, b), a > 0, b > 0. */
double sample_beta(struct rng *r, double a, double b);

/* log(k!) for k >= 0, exact to about 1e-15 relative (thread-safe, unlike lgamma). */
double sample_log_factorial(int64_t k);

/*
 * Scratch memory for sampling without replacement. Zero-initialise, reuse
 * across calls, release with sample_draw_set_free.
 */
struct draw_set {
	uint64_t *slots;    /* open addressing; value + 1, 0 marks an empty slot */
	size_t capacity;    /* slots allocated */
	size_t mask;        /* slots in use for the current draw, minus one */
};

void sample_draw_set_free(struct draw_set *set);

/*
 * Draws min(k, n) distinct integers uniformly from {0, ..., n-1} into OUT
 * (room for min(k, n)), in O(k) time and memory whatever n (Floyd's
 * algorithm). When k >= n, OUT is 0..n-1 and nothing is drawn. Returns the
 * number written, or -1 when memory for the scratch set ran out.
 */
int64_t sample_without_replacement(struct rng *r, uint64_t n, uint64_t k,
				   struct draw_set *set, uint64_t *out);

#endif
