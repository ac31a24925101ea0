/*
 * bench_floor: what a replication costs against its sampling floor.
 *
 *   bench_floor SCENARIO REPLICATIONS
 *
 * A copy of the model built with trace_samplers.h records every variate
 * that REPLICATIONS replications draw (kind and parameters) and every
 * stream they set up. The floor replays exactly those calls to the same
 * samplers, one after the other on one stream, and nothing else. Against
 * it: the library's replication_run alone, and run_simulation (tallies
 * included), on one thread. Week-hook policies are not run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_scenario.h"
#include "diag.h"
#include "replication.h"
#include "runner.h"
#include "inversion.h"
#include "sample.h"
#include "scenario.h"
#include "trace_record.h"

/* The traced copy of replication.c (see trace_samplers.h). */
struct replication_workspace *traced_replication_workspace_new(const struct scenario *s,
							       struct inversion_tables *tables);
void traced_replication_workspace_free(struct replication_workspace *w);
int traced_replication_run(const struct scenario *s, uint64_t seed, uint64_t index,
			   struct replication_workspace *w);

static const char *const kind_names[TRACE_KINDS] = {
	"stream set-up (Philox)", "binomial", "binomial, a cell's rate", "Poisson",
	"Poisson, a cell's rate", "normal", "beta", "uniform integer", "Bernoulli",
	"sample without replacement"};

/* The trace being recorded; bench_floor is one thread. */
static struct trace_record *records;
static size_t n_records, room;
/* Distinct cached rates, so that the replay can cache them too. */
#define MAX_RATES 4096
static double rate_values[2][MAX_RATES];
static int n_rates[2];

static int64_t rate_index(int which, double value)
{
	for (int i = 0; i < n_rates[which]; i++)
		if (rate_values[which][i] == value)
			return i;
	if (n_rates[which] == MAX_RATES) {
		fprintf(stderr, "bench_floor: more than %d distinct rates\n", MAX_RATES);
		exit(1);
	}
	rate_values[which][n_rates[which]] = value;
	return n_rates[which]++;
}

void trace_add(int kind, int64_t n, int64_t k, double x, double y)
{
	if (n_records == room) {
		room = room ? 2 * room : 1 << 16;
		records = realloc(records, room * sizeof *records);
		if (records == NULL) {
			fprintf(stderr, "bench_floor: out of memory\n");
			exit(1);
		}
	}
	if (kind == TRACE_BINOMIAL_AT)
		k = rate_index(0, x);
	else if (kind == TRACE_POISSON_AT)
		k = rate_index(1, x);
	records[n_records++] = (struct trace_record){kind, n, k, x, y};
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Replays the trace, the cells' draws from TABLES; returns the seconds. */
static double replay(uint64_t seed, struct inversion_tables *tables, uint64_t *out_sink)
{
	static struct binomial_source binomials[MAX_RATES];
	static struct poisson_source poissons[MAX_RATES];
	for (int i = 0; i < n_rates[0]; i++)
		binomial_source_init(&binomials[i], rate_values[0][i], tables);
	for (int i = 0; i < n_rates[1]; i++)
		poisson_source_init(&poissons[i], rate_values[1][i], tables);
	struct draw_set set = {0};
	uint64_t *picked = malloc(1 << 20);
	struct rng r;
	rng_init(&r, seed, 0, 0);
	uint64_t sink = 0;
	double sum = 0.0;
	double started = now();
	for (size_t i = 0; i < n_records; i++) {
		const struct trace_record *t = &records[i];
		switch (t->kind) {
		case TRACE_STREAM: rng_init(&r, seed, (uint64_t)t->n, (uint64_t)t->k); break;
		case TRACE_BINOMIAL: sink += (uint64_t)sample_binomial(&r, t->n, t->x); break;
		case TRACE_BINOMIAL_AT: sink += (uint64_t)binomial_source_draw(&binomials[t->k], &r, t->n); break;
		case TRACE_POISSON: sink += (uint64_t)sample_poisson(&r, t->x); break;
		case TRACE_POISSON_AT: sink += (uint64_t)poisson_source_draw(&poissons[t->k], &r); break;
		case TRACE_NORMAL: sum += sample_normal(&r); break;
		case TRACE_BETA: sum += sample_beta(&r, t->x, t->y); break;
		case TRACE_UNIFORM_INT: sink += (uint64_t)sample_uniform_int(&r, t->n, t->k); break;
		case TRACE_BERNOULLI: sink += (uint64_t)sample_bernoulli(&r, t->x); break;
		case TRACE_WITHOUT_REPLACEMENT:
			sink += (uint64_t)sample_without_replacement(&r, (uint64_t)t->n, (uint64_t)t->k, &set, picked);
			break;
		}
	}
	double seconds = now() - started;
	*out_sink = sink + (uint64_t)sum;
	draw_set_free(&set);
	free(picked);
	return seconds;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_floor SCENARIO REPLICATIONS\n");
		return 2;
	}
	struct diag d;
	struct scenario *s = bench_scenario(argv[1], &d);
	if (s == NULL)
		return 2;
	diag_free(&d);
	int64_t n = atoll(argv[2]);
	const uint64_t seed = 20261122;
	if (n < 1) {
		fprintf(stderr, "bench_floor: give a positive number of replications\n");
		return 2;
	}

	/* record (the tables, built here, serve every part below) */
	struct inversion_tables *tables = inversion_tables_new();
	if (tables == NULL) {
		fprintf(stderr, "bench_floor: out of memory\n");
		return 1;
	}
	struct replication_workspace *traced = traced_replication_workspace_new(s, tables);
	for (int64_t i = 0; i < n; i++)
		traced_replication_run(s, seed, (uint64_t)i, traced);
	traced_replication_workspace_free(traced);
	size_t per_kind[TRACE_KINDS] = {0};
	for (size_t i = 0; i < n_records; i++)
		per_kind[records[i].kind]++;

	/* the floor, best of three */
	uint64_t sink = 0;
	double floor = 1e300;
	for (int round = 0; round < 3; round++) {
		double t = replay(seed, tables, &sink);
		floor = t < floor ? t : floor;
	}

	/* the library's replications alone, best of three */
	struct replication_workspace *w = replication_workspace_new(s, tables);
	double alone = 1e300;
	for (int round = 0; round < 3; round++) {
		double started = now();
		for (int64_t i = 0; i < n; i++)
			replication_run(s, seed, (uint64_t)i, w);
		double t = now() - started;
		alone = t < alone ? t : alone;
	}
	replication_workspace_free(w);

	/* and through the runner, with the tallies */
	struct run_options options = {.seed = seed, .replications = n, .threads = 1};
	struct run_result result;
	double run = 1e300;
	for (int round = 0; round < 3; round++) {
		struct diag failed;
		diag_init(&failed, NULL);
		if (run_simulation(s, &options, &result, &failed) != RUN_OK) {
			fprintf(stderr, "bench_floor: ");
			diag_print(&failed, stderr);
			diag_free(&failed);
			return 1;
		}
		run = result.seconds < run ? result.seconds : run;
		run_result_free(&result);
	}

	const char *file = strrchr(argv[1], '/');
	printf("%s, %lld replications, 1 thread (checksum %llu)\n", file ? file + 1 : argv[1],
	       (long long)n, (unsigned long long)(sink % 1000));
	printf("  draws a replication:\n");
	for (int k = 0; k < TRACE_KINDS; k++)
		if (per_kind[k] > 0)
			printf("    %-28s %10.1f\n", kind_names[k], (double)per_kind[k] / (double)n);
	double us = 1e6 / (double)n;
	printf("  sampling floor            %8.1f us a replication\n", floor * us);
	printf("  replication_run           %8.1f us  (%.2f x the floor)\n", alone * us, alone / floor);
	printf("  run_simulation (tallies)  %8.1f us  (%.2f x the floor)\n", run * us, run / floor);
	free(records);
	inversion_tables_free(tables);
	scenario_free(s);
	return 0;
}
