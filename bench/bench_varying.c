/*
 * bench_varying: the demo's weekly dynamics (110 district-category cells,
 * 12 weeks: 3,960 draws a replication) with certain rates, and with each
 * district's rectification rate and rebound uncertain: 20 inputs, each a
 * relative PERT from 0.7 to 1.3, drawn anew in every replication, so that
 * the 220 binomial rates of the cells change from one replication to the
 * next (issue 14's benchmark).
 *
 *   bench_varying [REPLICATIONS [MODES [RATES]]]
 *
 * (default 20,000 replications, every mode ("all", or the modes named,
 * joined by '+': certain+grid), both rates: "rectify" makes the
 * rectification rates alone uncertain, 10 inputs, the rebounds staying
 * certain.)
 *
 * Each way of drawing at rates that vary is timed over the same
 * replications, one thread, the inputs' own draws included:
 *
 *   certain    the scenario's rates, sources kept for the run and searching
 *              the run's shared tables (what the model does today)
 *   registry   uncertain rates handed to the same sources: every replication
 *              registers new rates in the tables, until the registry or the
 *              budget is full; then every draw builds its table on the stack
 *   notables   the sources given no tables (inversion.h's fallback)
 *   varying    varying.h without its grid (a hooked replication's): below
 *              a mean of 16 the tables' own values, summed lazily from the
 *              first entry; above it sample.h's BTRS; no tables
 *   samplers   sample.h's inversion and BTRS at a rate set up per
 *              replication (exact too, but other values than the tables')
 *   grid       varying.h through its grid (what the model does): a draw
 *              from the kept tables of the grid point nearest the rate,
 *              corrected to the rate (successes removed or added)
 *
 * The cells' parameters are the demo's, resolved (ccsim check --json).
 * Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID): a machine
 * shared with other work stretches the wall clock, much less this.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inversion.h"
#include "rng.h"
#include "sample.h"
#include "uncertain.h"
#include "varying.h"

#define WEEKS 12
#define DISTRICTS 10

/* Whether the rebounds are uncertain too (20 inputs), or the rectification
 * rates alone (10 inputs, the rebounds drawn from the certain tables). */
static int rebounds_vary = 1;
#define SEED 20261122
/* Rounds of every mode in turn; each mode reports its best. */
#define ROUNDS 10

struct demo_cell {
	int district;
	int64_t problems;
	double new_per_week, rectify_rate, rebound;
};

/* scenarios/demo-city.cfg's cells, district by district, category by category */
static const struct demo_cell demo_cells[] = {
	{0, 45, 3.0, 0.15, 0.08},
	{0, 420, 14.0, 0.15, 0.08},
	{0, 210, 9.0, 0.15, 0.08},
	{0, 30, 2.5, 0.15, 0.08},
	{0, 18, 1.5, 0.15, 0.08},
	{0, 110, 6.0, 0.15, 0.08},
	{0, 600, 25.0, 0.15, 0.08},
	{0, 30, 2.0, 0.15, 0.08},
	{0, 20, 1.0, 0.15, 0.08},
	{0, 80, 5.0, 0.15, 0.08},
	{0, 40, 2.5, 0.15, 0.08},
	{1, 45, 3.0, 0.14, 0.08},
	{1, 320, 14.0, 0.14, 0.08},
	{1, 210, 9.0, 0.14, 0.08},
	{1, 30, 2.5, 0.14, 0.08},
	{1, 18, 1.5, 0.14, 0.08},
	{1, 110, 6.0, 0.14, 0.08},
	{1, 420, 25.0, 0.14, 0.08},
	{1, 30, 2.0, 0.14, 0.08},
	{1, 20, 1.0, 0.14, 0.08},
	{1, 80, 5.0, 0.14, 0.08},
	{1, 40, 2.5, 0.14, 0.08},
	{2, 45, 3.0, 0.12, 0.08},
	{2, 320, 14.0, 0.12, 0.08},
	{2, 300, 9.0, 0.08, 0.08},
	{2, 45, 2.5, 0.12, 0.08},
	{2, 18, 1.5, 0.12, 0.08},
	{2, 110, 6.0, 0.12, 0.08},
	{2, 420, 25.0, 0.12, 0.08},
	{2, 30, 2.0, 0.12, 0.08},
	{2, 20, 1.0, 0.12, 0.08},
	{2, 80, 5.0, 0.12, 0.08},
	{2, 40, 2.5, 0.12, 0.08},
	{3, 45, 3.0, 0.16, 0.05},
	{3, 320, 14.0, 0.16, 0.05},
	{3, 210, 9.0, 0.16, 0.05},
	{3, 30, 2.5, 0.16, 0.05},
	{3, 18, 1.5, 0.16, 0.05},
	{3, 110, 6.0, 0.16, 0.05},
	{3, 420, 25.0, 0.16, 0.05},
	{3, 30, 2.0, 0.16, 0.05},
	{3, 20, 1.0, 0.16, 0.05},
	{3, 80, 5.0, 0.16, 0.05},
	{3, 40, 2.5, 0.16, 0.05},
	{4, 45, 3.0, 0.1, 0.12},
	{4, 380, 14.0, 0.1, 0.12},
	{4, 210, 9.0, 0.1, 0.12},
	{4, 30, 2.5, 0.1, 0.12},
	{4, 18, 1.5, 0.1, 0.12},
	{4, 150, 6.0, 0.1, 0.12},
	{4, 420, 25.0, 0.1, 0.12},
	{4, 30, 2.0, 0.1, 0.12},
	{4, 20, 1.0, 0.1, 0.12},
	{4, 80, 5.0, 0.1, 0.12},
	{4, 40, 2.5, 0.1, 0.12},
	{5, 45, 3.0, 0.12, 0.08},
	{5, 320, 14.0, 0.12, 0.08},
	{5, 60, 9.0, 0.12, 0.08},
	{5, 30, 2.5, 0.12, 0.08},
	{5, 18, 1.5, 0.12, 0.08},
	{5, 110, 6.0, 0.12, 0.08},
	{5, 420, 25.0, 0.12, 0.08},
	{5, 30, 2.0, 0.12, 0.08},
	{5, 20, 1.0, 0.12, 0.08},
	{5, 80, 5.0, 0.12, 0.08},
	{5, 110, 6.0, 0.12, 0.08},
	{6, 45, 3.0, 0.12, 0.08},
	{6, 320, 14.0, 0.12, 0.08},
	{6, 210, 9.0, 0.12, 0.08},
	{6, 30, 2.5, 0.12, 0.08},
	{6, 18, 1.5, 0.12, 0.08},
	{6, 110, 6.0, 0.12, 0.08},
	{6, 420, 25.0, 0.12, 0.08},
	{6, 30, 2.0, 0.12, 0.08},
	{6, 20, 1.0, 0.12, 0.08},
	{6, 80, 5.0, 0.12, 0.08},
	{6, 90, 2.5, 0.12, 0.08},
	{7, 45, 3.0, 0.12, 0.08},
	{7, 320, 14.0, 0.12, 0.08},
	{7, 210, 9.0, 0.12, 0.08},
	{7, 30, 2.5, 0.12, 0.08},
	{7, 18, 1.5, 0.12, 0.08},
	{7, 110, 6.0, 0.12, 0.08},
	{7, 420, 25.0, 0.12, 0.08},
	{7, 30, 2.0, 0.12, 0.08},
	{7, 20, 1.0, 0.12, 0.08},
	{7, 80, 5.0, 0.12, 0.08},
	{7, 40, 2.5, 0.12, 0.08},
	{8, 45, 3.0, 0.09, 0.1},
	{8, 320, 14.0, 0.09, 0.1},
	{8, 210, 9.0, 0.09, 0.1},
	{8, 50, 2.5, 0.09, 0.1},
	{8, 18, 1.5, 0.09, 0.1},
	{8, 110, 6.0, 0.09, 0.1},
	{8, 560, 25.0, 0.09, 0.1},
	{8, 30, 2.0, 0.09, 0.1},
	{8, 20, 1.0, 0.09, 0.1},
	{8, 80, 5.0, 0.09, 0.1},
	{8, 40, 2.5, 0.09, 0.1},
	{9, 45, 3.0, 0.13, 0.08},
	{9, 320, 14.0, 0.13, 0.08},
	{9, 210, 9.0, 0.13, 0.08},
	{9, 30, 2.5, 0.13, 0.08},
	{9, 18, 1.5, 0.13, 0.08},
	{9, 110, 6.0, 0.13, 0.08},
	{9, 420, 25.0, 0.13, 0.08},
	{9, 30, 2.0, 0.13, 0.08},
	{9, 20, 1.0, 0.13, 0.08},
	{9, 80, 5.0, 0.13, 0.08},
	{9, 40, 2.5, 0.13, 0.08},
};

#define CELLS ((int)(sizeof demo_cells / sizeof demo_cells[0]))

enum mode { CERTAIN, REGISTRY, NO_TABLES, VARYING, SAMPLERS, GRID, MODES };

static const char *const mode_names[MODES] = {"certain", "registry", "notables", "varying",
					     "samplers", "grid"};

/* One cell's samplers, in whichever form the mode uses. */
struct cell_state {
	struct binomial_source rectify_source, rebound_source;
	struct poisson_source arrival;
	struct varying_binomial rectify_varying, rebound_varying;
	struct binomial_rate rectify_rate, rebound_rate;
	int64_t open, rectified_last;
	struct rng stream;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The uncertain inputs: districts.D.rectify_rate and (when they vary)
 * districts.D.rebound, relative PERT(0.7, 1.0, 1.3). */
static struct uncertain_set *uncertain_inputs(void)
{
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "bench");
	for (int k = 0; k < (rebounds_vary ? 2 : 1) * DISTRICTS; k++) {
		char path[64];
		snprintf(path, sizeof path, "districts.D%d.%s", k % DISTRICTS,
			 k < DISTRICTS ? "rectify_rate" : "rebound");
		struct uncertain_spec spec = {0};
		spec.path = path;
		spec.dist = (struct distribution_spec){.kind = DISTRIBUTION_PERT, .min = 0.7,
						       .mode = 1.0, .max = 1.3};
		spec.relative = 1;
		spec.base_lo = 0.05;
		spec.base_hi = 0.16;
		spec.key = (struct uncertain_key){"rate", 0.0, 1.0, 0, 0, 0, INFINITY};
		if (uncertain_set_add(set, &spec, &d) < 0) {
			diag_print(&d, stderr);
			exit(1);
		}
	}
	if (uncertain_set_finish(set, &d) != 0)
		exit(1);
	diag_free(&d);
	return set;
}

/* One replication's dynamics in MODE; returns the open problems at the end
 * (summed, so that nothing is optimised away). */
static int64_t replication(enum mode mode, uint64_t index, struct cell_state *cells,
			   struct inversion_tables *tables, struct varying_grid *grid,
			   const struct uncertain_set *set, double *multiplier, double *u)
{
	if (mode != CERTAIN)
		uncertain_draw(set, SEED, index, multiplier, u);
	for (int k = 0; k < CELLS; k++) {
		const struct demo_cell *c = &demo_cells[k];
		struct cell_state *s = &cells[k];
		double rectify = c->rectify_rate, rebound = c->rebound;
		if (mode != CERTAIN) {
			rectify = uncertain_scaled(set, c->district, multiplier[c->district], rectify);
			if (rebounds_vary)
				rebound = uncertain_scaled(set, DISTRICTS + c->district,
							   multiplier[DISTRICTS + c->district], rebound);
		}
		/* a certain rebound keeps the source set up before the clock */
		int rebound_set = rebounds_vary;
		switch (mode) {
		case CERTAIN:
			break; /* set up once, before the clock */
		case REGISTRY:
			inversion_binomial_init(&s->rectify_source, rectify, tables);
			if (rebound_set)
				inversion_binomial_init(&s->rebound_source, rebound, tables);
			break;
		case NO_TABLES:
			inversion_binomial_init(&s->rectify_source, rectify, NULL);
			if (rebound_set)
				inversion_binomial_init(&s->rebound_source, rebound, NULL);
			break;
		case VARYING:
			varying_binomial_init(&s->rectify_varying, rectify);
			if (rebound_set)
				varying_binomial_init(&s->rebound_varying, rebound);
			break;
		case GRID:
			varying_binomial_init_grid(&s->rectify_varying, rectify, grid);
			if (rebound_set)
				varying_binomial_init_grid(&s->rebound_varying, rebound, grid);
			break;
		case SAMPLERS:
			sample_binomial_rate_init(&s->rectify_rate, rectify);
			if (rebound_set)
				sample_binomial_rate_init(&s->rebound_rate, rebound);
			break;
		case MODES:
			break;
		}
		s->open = c->problems;
		s->rectified_last = 0;
		rng_init(&s->stream, SEED, index, RNG_SUBSTREAM_CELLS + (uint64_t)k);
	}
	for (int t = 1; t <= WEEKS; t++) {
		for (int k = 0; k < CELLS; k++) {
			struct cell_state *s = &cells[k];
			int64_t fixed, rebounded;
			switch (mode) {
			case VARYING:
			case GRID:
				fixed = varying_binomial_draw(&s->rectify_varying, &s->stream, s->open);
				rebounded = rebounds_vary
						    ? varying_binomial_draw(&s->rebound_varying, &s->stream,
									    s->rectified_last)
						    : inversion_binomial_draw(&s->rebound_source, &s->stream,
									   s->rectified_last);
				break;
			case SAMPLERS:
				fixed = sample_binomial_at(&s->stream, s->open, &s->rectify_rate);
				rebounded = rebounds_vary
						    ? sample_binomial_at(&s->stream, s->rectified_last,
									 &s->rebound_rate)
						    : inversion_binomial_draw(&s->rebound_source, &s->stream,
									   s->rectified_last);
				break;
			default:
				if (mode == CERTAIN && k + 2 < CELLS) {
					inversion_binomial_prefetch(&cells[k + 2].rectify_source, cells[k + 2].open);
					inversion_binomial_prefetch(&cells[k + 2].rebound_source,
								 cells[k + 2].rectified_last);
				}
				fixed = inversion_binomial_draw(&s->rectify_source, &s->stream, s->open);
				rebounded = inversion_binomial_draw(&s->rebound_source, &s->stream,
								 s->rectified_last);
				break;
			}
			int64_t added = inversion_poisson_draw(&s->arrival, &s->stream);
			s->open = s->open - fixed + rebounded + added;
			s->rectified_last = fixed;
		}
	}
	int64_t open = 0;
	for (int k = 0; k < CELLS; k++)
		open += cells[k].open;
	return open;
}

int main(int argc, char **argv)
{
	long replications = argc > 1 ? atol(argv[1]) : 20000;
	/* the modes run: every one, or those named (joined by '+', e.g. certain+grid) */
	unsigned run = 0;
	const char *names = argc > 2 ? argv[2] : "all";
	for (const char *at = names; *at != '\0';) {
		size_t len = strcspn(at, "+");
		unsigned found = len == 3 && strncmp(at, "all", 3) == 0 ? (1u << MODES) - 1 : 0;
		for (int m = 0; m < MODES; m++)
			if (strlen(mode_names[m]) == len && strncmp(at, mode_names[m], len) == 0)
				found = 1u << m;
		if (found == 0) {
			run = 0;
			break;
		}
		run |= found;
		at += len + (at[len] == '+');
	}
	if (argc > 3)
		rebounds_vary = strcmp(argv[3], "both") == 0 ? 1 : strcmp(argv[3], "rectify") == 0 ? 0 : -1;
	if (replications < 1 || run == 0 || rebounds_vary < 0) {
		fprintf(stderr, "usage: bench_varying [REPLICATIONS [all|MODE[+MODE...] [both|rectify]]]\n"
				"  modes: certain registry notables varying samplers grid\n");
		return 2;
	}
	struct uncertain_set *set = uncertain_inputs();
	double multiplier[2 * DISTRICTS], u[2 * DISTRICTS];

	/* the inputs' draws alone */
	double start = now(), sink = 0.0;
	for (long i = 0; i < replications; i++) {
		uncertain_draw(set, SEED, (uint64_t)i, multiplier, u);
		sink += multiplier[0];
	}
	double inputs_us = (now() - start) / (double)replications * 1e6;
	printf("%d uncertain inputs (relative PERT), drawn: %.2f us a replication\n\n",
	       uncertain_count(set), inputs_us);

	/* Each mode's sources and tables, set up and warmed (the certain mode's
	 * tables are built here, as in a run's first replications). */
	struct inversion_tables *tables[MODES];
	struct varying_grid *grids[MODES];
	struct cell_state *cells[MODES];
	for (int m = 0; m < MODES; m++) {
		tables[m] = NULL;
		grids[m] = NULL;
		cells[m] = NULL;
		if (!(run >> m & 1u))
			continue;
		tables[m] = inversion_tables_new();
		cells[m] = calloc(CELLS, sizeof *cells[m]);
		grids[m] = varying_grid_new(tables[m]);
		if (tables[m] == NULL || cells[m] == NULL || grids[m] == NULL)
			return 1;
		for (int k = 0; k < CELLS; k++) {
			inversion_poisson_init(&cells[m][k].arrival, demo_cells[k].new_per_week, tables[m]);
			inversion_binomial_init(&cells[m][k].rectify_source, demo_cells[k].rectify_rate,
					     tables[m]);
			inversion_binomial_init(&cells[m][k].rebound_source, demo_cells[k].rebound, tables[m]);
		}
		for (long i = 0; i < 2000; i++)
			replication((enum mode)m, (uint64_t)(replications + i), cells[m], tables[m],
				    grids[m], set, multiplier, u);
	}
	/* Rounds of every mode in turn, each mode's best round kept: a machine
	 * shared with other work slows some rounds, not the best one. */
	double best[MODES];
	int64_t open[MODES] = {0};
	for (int m = 0; m < MODES; m++)
		best[m] = 1e300;
	long per_round = replications / ROUNDS + 1;
	for (int round = 0; round < ROUNDS; round++) {
		for (int m = 0; m < MODES; m++) {
			if (!(run >> m & 1u))
				continue;
			/* the slow modes run a tenth (their rate is what is reported) */
			long count = m == REGISTRY || m == NO_TABLES ? per_round / 10 + 1 : per_round;
			long first = (long)round * per_round;
			start = now();
			for (long i = first; i < first + count; i++)
				open[m] += replication((enum mode)m, (uint64_t)i, cells[m], tables[m],
						       grids[m], set, multiplier, u);
			double us = (now() - start) / (double)count * 1e6;
			if (us < best[m])
				best[m] = us;
		}
	}
	printf("%-10s %12s %10s %14s\n", "mode", "us / repl.", "x certain", "table bytes");
	for (int m = 0; m < MODES; m++) {
		if (!(run >> m & 1u))
			continue;
		printf("%-10s %12.2f %10.2f %14zu\n", mode_names[m], best[m],
		       run & 1u ? best[m] / best[CERTAIN] : NAN,
		       inversion_tables_bytes(tables[m]));
		free(cells[m]);
		varying_grid_free(grids[m]);
		inversion_tables_free(tables[m]);
	}
	(void)open;
	uncertain_set_free(set);
	return sink == 12345.0;
}
