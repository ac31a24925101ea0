/*
 * bench_dynamics: nanoseconds per district-category-week of the weekly
 * dynamics (docs/model.md 3.1) alone, for each way of running them, all
 * drawing the same numbers (one checksum of O at every batch's week of
 * every cell and replication says so).
 *
 *   bench_dynamics SCENARIO REPLICATIONS [ROUNDS [ONLY]]
 *
 * The variants:
 *   week by week   replication, then week, then cell, on struct inventory
 *                  (inventory_week; how week hooks run, and how every
 *                  replication ran before issue 18)
 *   blocks of N    struct campaign: cells outermost over blocks of N
 *                  replications, each cell's weeks with the draws inline
 * Each line gives the best of ROUNDS (default 5) in thread CPU time and in
 * wall time: on a shared machine CPU time is the steadier. ONLY runs one
 * variant (0: week by week, else blocks of ONLY), for profilers such as
 * callgrind, without the first pass that builds the tables. Built against a
 * tree without sim/model/campaign.h (before issue 18) it runs the first
 * variant alone, for the "today" line of bench/RESULTS.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_scenario.h"
#include "inventory.h"
#include "rng.h"
#include "sample.h"
#include "scenario.h"

#if __has_include("campaign.h")
#include "campaign.h"
#define HAVE_CAMPAIGN 1
#endif

#define SEED 20261122

static double now(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* tau_b of replication INDEX, as the model draws them. */
static void draw_dates(const struct scenario *s, uint64_t index, int *weeks)
{
	struct rng r;
	rng_init(&r, SEED, index, RNG_SUBSTREAM_INSPECTION);
	for (int b = 0; b < s->batches; b++)
		weeks[b] = (int)sample_uniform_int(&r, s->window_first, s->window_last);
}

/* Week by week on inventories: returns the checksum. */
static uint64_t week_by_week(const struct scenario *s, struct inversion_tables *tables, int64_t n)
{
	size_t cells = (size_t)s->n_districts * (size_t)s->n_categories;
	struct inventory *inv = calloc(cells, sizeof *inv);
	struct inventory_samplers *kept = calloc(cells, sizeof *kept);
	struct rng *streams = calloc(cells, sizeof *streams);
	int *weeks = calloc((size_t)s->batches, sizeof *weeks);
	uint64_t sum = 0;
	for (int64_t i = 0; i < n; i++) {
		int64_t rectified = 0, arrived = 0;
		draw_dates(s, (uint64_t)i, weeks);
		for (size_t k = 0; k < cells; k++) {
			const struct cell *c = &s->cells[k];
			inventory_start(&inv[k], &kept[k], c->problems, c->rectify_rate, c->rebound,
					c->new_per_week, tables);
			rng_init(&streams[k], SEED, (uint64_t)i, RNG_SUBSTREAM_CELLS + k);
		}
		for (int t = 1; t <= s->weeks; t++) {
			for (size_t k = 0; k < cells; k++) {
				if (k + 2 < cells)
					inventory_prefetch(&inv[k + 2], &kept[k + 2]);
				inventory_week(&inv[k], &kept[k], &streams[k], &rectified, &arrived);
			}
			for (int b = 0; b < s->batches; b++)
				if (weeks[b] == t)
					for (size_t k = 0; k < cells; k++)
						sum += (uint64_t)inv[k].open;
		}
	}
	free(inv);
	free(kept);
	free(streams);
	free(weeks);
	return sum;
}

#ifdef HAVE_CAMPAIGN
/* In blocks of *BLOCK replications, or of the campaign's capacity when
 * smaller (then in *BLOCK). */
static uint64_t in_blocks(const struct scenario *s, struct inversion_tables *tables, int64_t n,
			  int *blocks)
{
	size_t cells = (size_t)s->n_districts * (size_t)s->n_categories;
	struct campaign *c = campaign_new(s, tables);
	if (c == NULL) {
		fprintf(stderr, "bench_dynamics: out of memory\n");
		exit(1);
	}
	if (*blocks > campaign_capacity(c))
		*blocks = campaign_capacity(c);
	int block = *blocks;
	int *weeks = calloc((size_t)block * (size_t)s->batches, sizeof *weeks);
	uint64_t sum = 0;
	for (int64_t first = 0; first < n; first += block) {
		int count = n - first < block ? (int)(n - first) : block;
		for (int j = 0; j < count; j++)
			draw_dates(s, (uint64_t)(first + j), &weeks[j * s->batches]);
		campaign_run_block(c, s, SEED, (uint64_t)first, count, weeks);
		for (int j = 0; j < count; j++)
			for (int b = 0; b < s->batches; b++)
				for (size_t k = 0; k < cells; k++)
					sum += (uint64_t)campaign_open(c, j, b, k);
	}
	campaign_free(c);
	free(weeks);
	return sum;
}

/* A hook that changes nothing: what the week-by-week order of a hooked
 * replication costs by itself. */
static int no_hook(void *context, uint64_t seed, uint64_t replication, int week,
		   struct inventory *inventories, size_t stride)
{
	(void)context, (void)seed, (void)replication, (void)week, (void)inventories, (void)stride;
	return 0;
}

/* As a replication with a week hook runs them (campaign_run_hooked). */
static uint64_t hooked(const struct scenario *s, struct inversion_tables *tables, int64_t n)
{
	size_t cells = (size_t)s->n_districts * (size_t)s->n_categories;
	struct campaign *c = campaign_new(s, tables);
	int *weeks = calloc((size_t)s->batches, sizeof *weeks);
	if (c == NULL || weeks == NULL) {
		fprintf(stderr, "bench_dynamics: out of memory\n");
		exit(1);
	}
	uint64_t sum = 0;
	for (int64_t i = 0; i < n; i++) {
		draw_dates(s, (uint64_t)i, weeks);
		campaign_run_hooked(c, s, SEED, (uint64_t)i, 1, weeks, no_hook, NULL);
		for (int b = 0; b < s->batches; b++)
			for (size_t k = 0; k < cells; k++)
				sum += (uint64_t)campaign_open(c, 0, b, k);
	}
	campaign_free(c);
	free(weeks);
	return sum;
}
#endif

static void report(const char *name, const struct scenario *s, int64_t n, double cpu, double wall,
		   uint64_t sum)
{
	double units = (double)n * (double)s->n_districts * (double)s->n_categories * (double)s->weeks;
	printf("  %-14s %7.2f ns CPU  %7.2f ns wall  a district-category-week  checksum %016llx\n",
	       name, 1e9 * cpu / units, 1e9 * wall / units, (unsigned long long)sum);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_dynamics SCENARIO REPLICATIONS [ROUNDS]\n");
		return 2;
	}
	struct diag d;
	struct scenario *s = bench_scenario(argv[1], &d);
	if (s == NULL)
		return 2;
	diag_free(&d);
	int64_t n = atoll(argv[2]);
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	int only = argc > 4 ? atoi(argv[4]) : -1;
	struct inversion_tables *tables = inversion_tables_new();
	const char *file = strrchr(argv[1], '/');
	printf("%s: %d districts x %d categories x %d weeks, %lld replications, best of %d\n",
	       file ? file + 1 : argv[1], s->n_districts, s->n_categories, s->weeks, (long long)n,
	       rounds);
	/* the tables are built in a first pass, outside the timings */
	if (only < 0)
		week_by_week(s, tables, n < 1000 ? n : 1000);
#ifdef HAVE_CAMPAIGN
	int blocks[] = {1, 16, 64, 256};
	int variants = 1 + (int)(sizeof blocks / sizeof blocks[0]);
	if (only > 0) {
		blocks[0] = only;
		variants = 2;
	}
#else
	int variants = 1;
#endif
	for (int v = only > 0 ? 1 : 0; v < (only == 0 ? 1 : variants); v++) {
		double cpu = 1e300, wall = 1e300;
		uint64_t sum = 0;
		char name[32] = "week by week";
		for (int round = 0; round < rounds; round++) {
			double c0 = now(CLOCK_THREAD_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
#ifdef HAVE_CAMPAIGN
			if (v > 0) {
				sum = in_blocks(s, tables, n, &blocks[v - 1]);
				snprintf(name, sizeof name, "blocks of %d", blocks[v - 1]);
			} else
#endif
				sum = week_by_week(s, tables, n);
			double c1 = now(CLOCK_THREAD_CPUTIME_ID), w1 = now(CLOCK_MONOTONIC);
			cpu = c1 - c0 < cpu ? c1 - c0 : cpu;
			wall = w1 - w0 < wall ? w1 - w0 : wall;
		}
		report(name, s, n, cpu, wall, sum);
	}
#ifdef HAVE_CAMPAIGN
	if (only < 0) {
		double cpu = 1e300, wall = 1e300;
		uint64_t sum = 0;
		for (int round = 0; round < rounds; round++) {
			double c0 = now(CLOCK_THREAD_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
			sum = hooked(s, tables, n);
			double c1 = now(CLOCK_THREAD_CPUTIME_ID), w1 = now(CLOCK_MONOTONIC);
			cpu = c1 - c0 < cpu ? c1 - c0 : cpu;
			wall = w1 - w0 < wall ? w1 - w0 : wall;
		}
		report("hooked, no-op", s, n, cpu, wall, sum);
	}
#endif
	printf("  tables: %.2f MiB\n", (double)inversion_tables_bytes(tables) / 1048576.0);
	inversion_tables_free(tables);
	scenario_free(s);
	return 0;
}
