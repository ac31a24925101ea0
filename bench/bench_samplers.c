/*
 * bench_samplers: nanoseconds a variate of ccsim's samplers, case by case,
 * to set beside NumPy's Generator on the same cases (numpy_samplers.py).
 *
 *   bench_samplers [VARIATES]      (default 4,000,000 a case)
 *
 * The cases are the draws a replication of the demo makes: binomials whose
 * n changes every draw at one p (a district's weekly rectification and
 * rebound), Poisson arrivals at one mean, Poisson counts at varying means
 * (the inspection), betas and normals (the survey, the minors' test).
 * Binomials and Poissons at one rate draw as the weekly dynamics do: from
 * the shared tables of inversion.h, built before the clock starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "inversion.h"
#include "rng.h"
#include "sample.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

enum sampler { UNIFORM, NORMAL, BINOMIAL, POISSON, POISSON_VARIED, BETA };

struct case_ {
	const char *name;
	enum sampler sampler;
	int64_t n_lo, n_hi;   /* binomial: n uniform in [n_lo, n_hi], a new one every draw */
	double x, y;          /* p; mu (POISSON_VARIED: uniform in [0, x]); beta (x, y) */
};

/* The cases of numpy_samplers.py, in the same order. */
static const struct case_ cases[] = {
	{"uniform [0, 1)", UNIFORM, 0, 0, 0, 0},
	{"normal", NORMAL, 0, 0, 0, 0},
	{"binomial n 20..600, p 0.12", BINOMIAL, 20, 600, 0.12, 0},
	{"binomial n 0..60, p 0.08", BINOMIAL, 0, 60, 0.08, 0},
	{"binomial n 100, p 0.15", BINOMIAL, 100, 100, 0.15, 0},
	{"binomial n 120, p 0.85", BINOMIAL, 120, 120, 0.85, 0},
	{"poisson mu 3", POISSON, 0, 0, 3.0, 0},
	{"poisson mu 9", POISSON, 0, 0, 9.0, 0},
	{"poisson mu 14", POISSON, 0, 0, 14.0, 0},
	{"poisson mu 0..2 varied", POISSON_VARIED, 0, 0, 2.0, 0},
	{"beta 258, 42", BETA, 0, 0, 258.0, 42.0},
};

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 4000000;
	if (count < 1) {
		fprintf(stderr, "usage: bench_samplers [VARIATES]\n");
		return 2;
	}
	int64_t *ns = malloc((size_t)count * sizeof *ns);
	double *mus = malloc((size_t)count * sizeof *mus);
	struct inversion_tables *tables = inversion_tables_new();
	if (ns == NULL || mus == NULL || tables == NULL)
		return 1;
	printf("%-30s %10s\n", "case", "ns/variate");
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const struct case_ *k = &cases[c];
		struct rng r;
		rng_init(&r, 7, c, 0);
		/* the parameters, drawn before the clock starts, as NumPy gets them in arrays */
		for (long i = 0; i < count; i++) {
			ns[i] = k->n_lo + (int64_t)sample_below(&r, (uint64_t)(k->n_hi - k->n_lo + 1));
			mus[i] = k->x * rng_uniform(&r);
		}
		struct binomial_source binomial;
		struct poisson_source poisson;
		inversion_binomial_init(&binomial, k->x, tables);
		inversion_poisson_init(&poisson, k->x, tables);
		double best = 1e300, sink = 0.0;
		for (int round = -1; round < 3; round++) { /* round -1 builds the tables */
			double started = now();
			for (long i = 0; i < count; i++) {
				switch (k->sampler) {
				case UNIFORM: sink += rng_uniform(&r); break;
				case NORMAL: sink += sample_normal(&r); break;
				case BINOMIAL: sink += (double)inversion_binomial_draw(&binomial, &r, ns[i]); break;
				case POISSON: sink += (double)inversion_poisson_draw(&poisson, &r); break;
				case POISSON_VARIED: sink += (double)sample_poisson(&r, mus[i]); break;
				case BETA: sink += sample_beta(&r, k->x, k->y); break;
				}
			}
			double t = now() - started;
			if (round >= 0)
				best = t < best ? t : best;
		}
		printf("%-30s %10.1f   (mean %.4g)\n", k->name, best / (double)count * 1e9,
		       sink / (4.0 * (double)count));
	}
	free(ns);
	free(mus);
	inversion_tables_free(tables);
	return 0;
}
