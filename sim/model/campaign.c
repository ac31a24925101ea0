/*
 * campaign: a campaign's record and its results, and the blocks of
 * replications without week hooks, cell by cell (campaign.h). The hooked
 * blocks, week by week, are campaign_hooked.c's; what both share is in
 * campaign_int.h.
 */
#include "campaign_int.h"
#include "ccsim_limits.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void campaign_free(struct campaign *c)
{
	if (c == NULL)
		return;
	free(c->draws);
	free(c->order);
	free(c->open16);
	free(c->open32);
	free(c->open64);
	free(c->hooked_open);
	free(c->rectified);
	free(c->arrived);
	free(c->initial_shift);
	for (int i = 0; c->varying != NULL && i < c->n_varying; i++)
		free(c->varying[i].values);
	free(c->varying);
	free(c->vary);
	varying_grid_free(c->grid);
	free(c->group_first);
	free(c->group_cells);
	free(c->visits);
	free(c->visits_scratch);
	free(c->visit_keys);
	free(c->week_open);
	free(c->inventories);
	free(c->hooked_cells);
	free(c->hooked_kept);
	free(c->hooked_untabled);
	free(c->cell_sums);
	free(c->shared);
	free(c);
}

/*
 * The bits every cell's O fits without hooks (16, 32, or 64 when it may
 * not fit 32): O[t] <= O[0] plus the arrivals so far (the fixes that
 * rebound are at most last week's fixes), and a Poisson of mean at most
 * INVERSION_VARIANCE is drawn within its table's span, never past
 * mu + 10 sqrt(mu) + 20 (inversion.h). The demo's fit 16: its block of
 * results takes half the memory.
 */
static int open_bits_of(const struct scenario *s)
{
	size_t cells = (size_t)s->n_districts * (size_t)s->n_categories;
	double highest = 0.0;
	for (size_t k = 0; k < cells; k++) {
		const struct cell *cell = &s->cells[k];
		double mu = cell->new_per_week;
		if (mu > INVERSION_VARIANCE)
			return 64;
		double most = mu > 0.0 ? ceil(mu + 10.0 * sqrt(mu) + 20.0) : 0.0;
		double bound = (double)cell->problems + (double)s->weeks * most;
		highest = bound > highest ? bound : highest;
	}
	return highest <= (double)UINT16_MAX ? 16 : highest <= (double)INT32_MAX ? 32 : 64;
}

/* O at tau_b of result AT in the block, and storing it. */
static inline int64_t open_at(const struct campaign *c, size_t at)
{
	return c->open_bits == 16 ? (int64_t)c->open16[at]
	       : c->open_bits == 32 ? (int64_t)c->open32[at]
				    : c->open64[at];
}

static inline void set_open_at(struct campaign *c, size_t at, int64_t open)
{
	if (c->open_bits == 16)
		c->open16[at] = (uint16_t)open;
	else if (c->open_bits == 32)
		c->open32[at] = (int32_t)open;
	else
		c->open64[at] = open;
}

/* Whether some cell's O0 or arrivals vary (VARIATION may be NULL). */
static int counts_vary(const struct campaign_variation *variation, size_t cells)
{
	for (size_t k = 0; variation != NULL && k < cells; k++)
		if (variation[k].problems != CAMPAIGN_FIXED || variation[k].new_per_week != CAMPAIGN_FIXED)
			return 1;
	return 0;
}

/* The varying cells' records; 0, or -1 when out of memory. */
static int varying_start(struct campaign *c, const struct campaign_variation *variation)
{
	c->vary = malloc(c->cells * sizeof *c->vary);
	c->initial_shift = calloc((size_t)c->capacity, sizeof *c->initial_shift);
	if (c->vary == NULL || c->initial_shift == NULL)
		return -1;
	for (size_t k = 0; k < c->cells; k++) {
		const struct campaign_variation *v = &variation[k];
		int varies = v->problems || v->rectify_rate || v->rebound || v->new_per_week;
		c->vary[k] = varies ? c->n_varying++ : -1;
	}
	c->varying = calloc((size_t)(c->n_varying > 0 ? c->n_varying : 1), sizeof *c->varying);
	c->grid = varying_grid_new(c->tables);
	if (c->varying == NULL || c->grid == NULL)
		return -1;
	for (size_t k = 0; k < c->cells; k++) {
		if (c->vary[k] < 0)
			continue;
		struct varying_cell *vc = &c->varying[c->vary[k]];
		vc->how = variation[k];
		vc->values = calloc((size_t)c->capacity, sizeof *vc->values);
		if (vc->values == NULL)
			return -1;
		for (int i = 0; i < FEW_RATES; i++) { /* no slot holds a rate yet */
			vc->few_rectify[i].source.n_max = vc->few_rebound[i].source.n_max = -2;
			vc->few_arrival[i].rate.mu = NAN;
		}
	}
	return 0;
}

/* A cell's place in a block's order. */
struct cell_key {
	size_t district;        /* 0 unless cells vary */
	double rectify_rate, rebound, new_per_week;
	size_t k;
};

/* By district (when cells vary), rectification rate, rebound, new
 * problems a week, then index. */
static int cell_key_compare(const void *a, const void *b)
{
	const struct cell_key *x = a, *y = b;
	if (x->district != y->district)
		return x->district < y->district ? -1 : 1;
	if (x->rectify_rate != y->rectify_rate)
		return x->rectify_rate < y->rectify_rate ? -1 : 1;
	if (x->rebound != y->rebound)
		return x->rebound < y->rebound ? -1 : 1;
	if (x->new_per_week != y->new_per_week)
		return x->new_per_week < y->new_per_week ? -1 : 1;
	return (x->k > y->k) - (x->k < y->k);
}

/* Cells that share rates share tables: a block runs them one after
 * another, while those tables are in the cache. When cells vary, a
 * district's cells come together: an uncertain input of the district
 * gives its cells of one base rate the same rate in a replication, whose
 * set-up the next cell draws with (run_varying_cells). 0, or -1 when
 * out of memory. */
static int order_cells(struct campaign *c, const struct scenario *s)
{
	struct cell_key *keys = malloc(c->cells * sizeof *keys);
	if (keys == NULL)
		return -1;
	size_t categories = (size_t)s->n_categories;
	for (size_t k = 0; k < c->cells; k++)
		keys[k] = (struct cell_key){c->vary != NULL ? k / categories : 0,
					    s->cells[k].rectify_rate, s->cells[k].rebound,
					    s->cells[k].new_per_week, k};
	qsort(keys, c->cells, sizeof *keys, cell_key_compare);
	for (size_t i = 0; i < c->cells; i++)
		c->order[i] = keys[i].k;
	free(keys);
	return 0;
}

/* The varying cells' groups: each run of them in ORDER within one district
 * (order_cells brings a district's cells together), and the block's visits
 * of them. 0, or -1 when out of memory. */
static int group_cells(struct campaign *c, const struct scenario *s)
{
	size_t categories = (size_t)s->n_categories, n = 0;
	for (size_t i = 0; i < c->cells; i++)
		n += c->vary[c->order[i]] >= 0 &&
		     (i == 0 || c->vary[c->order[i - 1]] < 0 ||
		      c->order[i - 1] / categories != c->order[i] / categories);
	/* a visit is (group << 8 | replication) in an int: groups past 2^23
	 * (cities of millions of cells, whose other arrays fail first) are
	 * refused as memory */
	if (n >= (size_t)1 << 23)
		return -1;
	size_t visits = (n > 0 ? n : 1) * (size_t)c->capacity;
	c->group_first = malloc((n > 0 ? n : 1) * sizeof *c->group_first);
	c->group_cells = malloc((n > 0 ? n : 1) * sizeof *c->group_cells);
	c->visits = malloc(visits * sizeof *c->visits);
	c->visits_scratch = malloc(visits * sizeof *c->visits_scratch);
	c->visit_keys = malloc(visits * sizeof *c->visit_keys);
	if (!c->group_first || !c->group_cells || !c->visits || !c->visits_scratch || !c->visit_keys)
		return -1;
	for (size_t i = 0; i < c->cells; i++) {
		if (c->vary[c->order[i]] < 0)
			continue;
		if (i == 0 || c->vary[c->order[i - 1]] < 0 ||
		    c->order[i - 1] / categories != c->order[i] / categories) {
			c->group_first[c->n_groups] = i;
			c->group_cells[c->n_groups++] = 0;
		}
		c->group_cells[c->n_groups - 1]++;
	}
	return 0;
}

struct campaign *campaign_new(const struct scenario *s, struct inversion_tables *tables)
{
	return campaign_new_varying(s, tables, NULL);
}

struct campaign *campaign_new_varying(const struct scenario *s, struct inversion_tables *tables,
				      const struct campaign_variation *variation)
{
	struct campaign *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->cells = (size_t)s->n_districts * (size_t)s->n_categories;
	c->weeks = s->weeks;
	c->batches = s->batches;
	c->tables = tables;
	/* drawn counts may reach any value: 64 bits */
	c->open_bits = counts_vary(variation, c->cells) ? 64 : open_bits_of(s);
	size_t per_replication = (size_t)s->batches * c->cells * (size_t)(c->open_bits / 8) +
				 2 * sizeof(int64_t);
	size_t fit = LIMIT_CAMPAIGN_BLOCK_BYTES / per_replication;
	c->capacity = fit < 1 ? 1 : fit > CAMPAIGN_BLOCK ? CAMPAIGN_BLOCK : (int)fit;
	c->draws = calloc(c->cells, sizeof *c->draws);
	c->order = calloc(c->cells, sizeof *c->order);
	size_t results = c->cells * (size_t)c->capacity * (size_t)s->batches;
	if (c->open_bits == 16)
		c->open16 = calloc(results, sizeof *c->open16);
	else if (c->open_bits == 32)
		c->open32 = calloc(results, sizeof *c->open32);
	else
		c->open64 = calloc(results, sizeof *c->open64);
	c->rectified = calloc((size_t)c->capacity, sizeof *c->rectified);
	c->arrived = calloc((size_t)c->capacity, sizeof *c->arrived);
	c->week_open = calloc(2 * ((size_t)s->weeks + 1), sizeof *c->week_open);
	if (!c->draws || !c->order || !(c->open16 || c->open32 || c->open64) || !c->rectified || !c->arrived ||
	    !c->week_open || (variation != NULL && varying_start(c, variation) != 0)) {
		campaign_free(c);
		return NULL;
	}
	for (size_t k = 0; k < c->cells; k++) {
		const struct cell *cell = &s->cells[k];
		binomial_draws_init(&c->draws[k].rectify, cell->rectify_rate, tables);
		binomial_draws_init(&c->draws[k].rebound, cell->rebound, tables);
		inversion_poisson_init(&c->draws[k].arrival, cell->new_per_week, tables);
		c->draws[k].problems = cell->problems;
		c->initial += cell->problems;
	}
	if (order_cells(c, s) != 0 || (c->vary != NULL && group_cells(c, s) != 0)) {
		campaign_free(c);
		return NULL;
	}
	return c;
}

int campaign_capacity(const struct campaign *c)
{
	return c->capacity;
}

struct campaign_values *campaign_values(struct campaign *c, int j, size_t k)
{
	if (c->vary == NULL || c->vary[k] < 0)
		return NULL;
	return &c->varying[c->vary[k]].values[j];
}

/* The draws' rare case (campaign_int.h: draw_binomial), out of line: past
 * the tables, or a table not built yet. */
__attribute__((noinline)) int64_t campaign_binomial_rare(const struct binomial_source *source,
							 struct rng *r, int64_t n)
{
	if (n > source->n_max)
		return sample_binomial_at(r, n, &source->rate);
	return inversion_binomial_draw_building(source, r, n);
}

/* One replication of one cell as it runs. */
struct lane {
	struct rng r;
	int64_t open, last, fixed_sum, added_sum;
};

static inline void lane_start(struct lane *x, const struct cell_draws *d, uint64_t seed,
			      uint64_t replication, size_t k)
{
	struct rng start;
	rng_init(&start, seed, replication, RNG_SUBSTREAM_CELLS + k);
	x->r = start;
	x->open = d->problems;
	x->last = x->fixed_sum = x->added_sum = 0;
}

/* One week of 3.1 (inventory_week's draws, in its order). */
static inline void lane_week(struct lane *x, const struct cell_draws *d)
{
	int64_t fixed = draw_binomial(&d->rectify, &x->r, x->open);
	int64_t back = draw_binomial(&d->rebound, &x->r, x->last);
	int64_t added = draw_poisson(&d->arrival, &x->r);
	x->open = x->open - fixed + back + added;
	x->last = fixed;
	x->fixed_sum += fixed;
	x->added_sum += added;
}

/* Replication J's results from its lane and its O week by week. */
static void lane_end(struct campaign *c, size_t k, int j, const struct lane *x,
		     const int64_t *week_open, const int *batch_week)
{
	int batches = c->batches;
	size_t at = (k * (size_t)c->capacity + (size_t)j) * (size_t)batches;
	const int *weeks = &batch_week[j * batches];
	c->rectified[j] += x->fixed_sum;
	c->arrived[j] += x->added_sum;
	if (c->cell_sums != NULL) {
		int64_t *sums = &c->cell_sums[(k * (size_t)c->capacity + (size_t)j) * 2];
		sums[0] = x->fixed_sum;
		sums[1] = x->added_sum;
	}
	for (int b = 0; b < batches; b++)
		set_open_at(c, at + (size_t)b, week_open[weeks[b]]);
}

/*
 * Every replication of the block for cell K (see campaign_run_block), two
 * at a time: a week's draws wait on the last (O feeds the next table
 * search), and two replications' chains of waits overlap.
 */
static void run_cell(struct campaign *c, size_t k, uint64_t seed, uint64_t first, int count,
		     const int *batch_week)
{
	const struct cell_draws *d = &c->draws[k];
	int weeks = c->weeks;
	int64_t *open_a = c->week_open, *open_b = c->week_open + weeks + 1;
	int j = 0;
	for (; j + 1 < count; j += 2) {
		struct lane a, b;
		lane_start(&a, d, seed, first + (uint64_t)j, k);
		lane_start(&b, d, seed, first + (uint64_t)j + 1, k);
		for (int t = 1; t <= weeks; t++) {
			lane_week(&a, d);
			lane_week(&b, d);
			open_a[t] = a.open;
			open_b[t] = b.open;
		}
		lane_end(c, k, j, &a, open_a, batch_week);
		lane_end(c, k, j + 1, &b, open_b, batch_week);
	}
	if (j < count) {
		struct lane a;
		lane_start(&a, d, seed, first + (uint64_t)j, k);
		for (int t = 1; t <= weeks; t++) {
			lane_week(&a, d);
			open_a[t] = a.open;
		}
		lane_end(c, k, j, &a, open_a, batch_week);
	}
}

/* ---- cells that uncertain inputs vary ---------------------------------- */

/* The kept sampler for rate P among SLOTS (a few values: a discrete
 * input's), set up in the next slot when none has it. */
static const struct binomial_draws *few_binomial(struct binomial_draws *slots, int *next, double p,
						 struct inversion_tables *tables)
{
	for (int i = 0; i < FEW_RATES; i++)
		if (slots[i].source.rate.p == p && slots[i].source.n_max != -2)
			return &slots[i];
	struct binomial_draws *slot = &slots[*next];
	*next = (*next + 1) % FEW_RATES;
	binomial_draws_init(slot, p, tables);
	return slot;
}

static const struct poisson_source *few_poisson(struct poisson_source *slots, int *next, double mu,
						struct inversion_tables *tables)
{
	for (int i = 0; i < FEW_RATES; i++)
		if (slots[i].rate.mu == mu)
			return &slots[i];
	struct poisson_source *slot = &slots[*next];
	*next = (*next + 1) % FEW_RATES;
	inversion_poisson_init(slot, mu, tables);
	return slot;
}

/* One replication's samplers of a varying cell: kept ones (the
 * scenario's, or a few values'), else untabled ones (NULL *_at). */
struct lane_draws {
	const struct binomial_draws *rectify_at, *rebound_at;
	const struct poisson_source *arrival_at;
	struct varying_binomial *rectify, *rebound; /* the visit's (struct lane_kept) */
	struct varying_poisson arrival;
};

/* The set-ups of the rates met last in a visit (run_varying_cells), which
 * the next cell at those rates draws with, rewound. */
struct lane_kept {
	struct varying_binomial rectify, rebound; /* p NAN: none yet */
};

/* KEPT set up at rate P for a lane's draws: kept from the lane before when
 * at P (its marks rewound), else set up anew. */
static struct varying_binomial *binomial_from_kept(double p, struct varying_binomial *kept,
						   struct varying_grid *grid)
{
	if (kept->p != p)
		varying_binomial_init_grid(kept, p, grid);
	else
		varying_binomial_rewind(kept);
	return kept;
}

/* Replication's values V's samplers for varying cell VC (its draws D) into
 * X; returns the rates drawn through the grid (campaign_grid_rates). */
static unsigned lane_draws_start(struct campaign *c, struct varying_cell *vc,
				 const struct cell_draws *d, const struct campaign_values *v,
				 struct lane_kept *kept, struct lane_draws *x)
{
	const struct campaign_variation *how = &vc->how;
	unsigned grid = campaign_grid_rates(how, d, v);
	x->rectify_at = &d->rectify;
	x->rebound_at = &d->rebound;
	x->arrival_at = &d->arrival;
	/* a value that is the scenario's after all keeps the scenario's tables */
	if (grid & CAMPAIGN_GRID_RECTIFY) {
		x->rectify_at = NULL;
		x->rectify = binomial_from_kept(v->rectify_rate, &kept->rectify, c->grid);
	} else if (how->rectify_rate == CAMPAIGN_FEW && v->rectify_rate != d->rectify.source.rate.p) {
		x->rectify_at = few_binomial(vc->few_rectify, &vc->next_rectify, v->rectify_rate, c->tables);
	}
	if (grid & CAMPAIGN_GRID_REBOUND) {
		x->rebound_at = NULL;
		x->rebound = binomial_from_kept(v->rebound, &kept->rebound, c->grid);
	} else if (how->rebound == CAMPAIGN_FEW && v->rebound != d->rebound.source.rate.p) {
		x->rebound_at = few_binomial(vc->few_rebound, &vc->next_rebound, v->rebound, c->tables);
	}
	if (grid & CAMPAIGN_GRID_ARRIVAL) {
		x->arrival_at = NULL;
		varying_poisson_init_grid(&x->arrival, v->new_per_week, c->grid);
	} else if (how->new_per_week == CAMPAIGN_FEW && v->new_per_week != d->arrival.rate.mu) {
		x->arrival_at = few_poisson(vc->few_arrival, &vc->next_arrival, v->new_per_week, c->tables);
	}
	return grid;
}

/* One week of 3.1 for a varying cell, in inventory_week's order (inline:
 * the lane's stream stays in registers). */
__attribute__((always_inline)) static inline void lane_week_varying(struct lane *x,
									 struct lane_draws *d)
{
	int64_t fixed = d->rectify_at != NULL ? draw_binomial(d->rectify_at, &x->r, x->open)
					      : varying_binomial_draw(d->rectify, &x->r, x->open);
	int64_t back = d->rebound_at != NULL ? draw_binomial(d->rebound_at, &x->r, x->last)
					     : varying_binomial_draw(d->rebound, &x->r, x->last);
	int64_t added = d->arrival_at != NULL ? draw_poisson(d->arrival_at, &x->r)
					      : varying_poisson_draw(&d->arrival, &x->r);
	x->open = x->open - fixed + back + added;
	x->last = fixed;
	x->fixed_sum += fixed;
	x->added_sum += added;
}

/* lane_weeks_grid's weeks, each side of the rates' grid points a constant
 * (RECTIFY_ADDS, REBOUND_ADDS: varying_binomial_draw_as). */
__attribute__((always_inline)) static inline void
lane_weeks_sided(struct lane *x, struct varying_binomial *rectify, struct varying_binomial *rebound,
		 const struct cdf_table *arrive, int weeks, int64_t *restrict open,
		 int rectify_adds, int rebound_adds)
{
	for (int t = 1; t <= weeks; t++) {
		int64_t fixed = varying_binomial_draw_as(rectify, &x->r, x->open, rectify_adds);
		int64_t back = varying_binomial_draw_as(rebound, &x->r, x->last, rebound_adds);
		int64_t added = inversion_cdf_draw(arrive, &x->r);
		x->open = x->open - fixed + back + added;
		x->last = fixed;
		x->fixed_sum += fixed;
		x->added_sum += added;
		open[t] = x->open;
	}
}

/* A lane's weeks whose binomials both vary (through the grid) and whose
 * arrivals are a kept table's (an uncertain rectification rate and rebound,
 * the common case): the loop alone, with nothing else to keep in registers. */
__attribute__((noinline)) static void lane_weeks_grid(struct lane *px, struct lane_draws *d,
						      int weeks, int64_t *restrict open)
{
	struct lane x = *px;
	struct varying_binomial *rectify = d->rectify, *rebound = d->rebound;
	const struct cdf_table *arrive = d->arrival_at->table;
	switch (rectify->adds * 2 + rebound->adds) {
	case 0: lane_weeks_sided(&x, rectify, rebound, arrive, weeks, open, 0, 0); break;
	case 1: lane_weeks_sided(&x, rectify, rebound, arrive, weeks, open, 0, 1); break;
	case 2: lane_weeks_sided(&x, rectify, rebound, arrive, weeks, open, 1, 0); break;
	default: lane_weeks_sided(&x, rectify, rebound, arrive, weeks, open, 1, 1); break;
	}
	*px = x;
}

/* Replication FIRST + J's lane and samplers for varying cell K. */
__attribute__((always_inline)) static inline void
varying_lane_start(struct campaign *c, size_t k, uint64_t seed, uint64_t first, int j,
		   struct lane_kept *kept, struct lane *x, struct lane_draws *draws)
{
	struct varying_cell *vc = &c->varying[c->vary[k]];
	const struct cell_draws *d = &c->draws[k];
	const struct campaign_values *v = &vc->values[j];
	lane_start(x, d, seed, first + (uint64_t)j, k);
	if (vc->how.problems != CAMPAIGN_FIXED) {
		x->open = v->problems;
		c->initial_shift[j] += v->problems - d->problems;
	}
	unsigned grid = lane_draws_start(c, vc, d, v, kept, draws);
	/* the marks' first gaps now, inline (lazily, each was a call) */
	campaign_grid_start(grid, draws->rectify, draws->rebound, &x->r);
}

/* A replication's place in the block's order of visits: the grid point of
 * its rate (0: drawn from kept tables, or below the grid). */
static uint16_t grid_key(unsigned char change, double rate)
{
	return (uint16_t)(change == CAMPAIGN_CONTINUOUS ? varying_grid_index(rate) + 1 : 0);
}

_Static_assert(VARYING_GRID_POINTS + 1 <= UINT16_MAX, "a grid key fits 16 bits");
_Static_assert(CAMPAIGN_BLOCK <= 256, "a visit's replication fits its low 8 bits");

/* Visit V's group and replication. */
#define VISIT(group, j) ((group) << 8 | (j))
#define VISIT_GROUP(v) ((v) >> 8)
#define VISIT_REPLICATION(v) ((v) & 255)

/* The varying cell that keys group G's visits: its first. */
static const struct varying_cell *group_lead(const struct campaign *c, int g)
{
	return &c->varying[c->vary[c->order[c->group_first[g]]]];
}

/*
 * The block's visits (each group's cells in one replication) into
 * c->visits, by the grid point of their rectification rate, then of their
 * rebound (a counting sort, each pass stable): the visits drawing from one
 * grid point's tables run one after another, whatever their district (the
 * districts' rates overlap), while those tables are in the cache (district
 * by district, each grid point's tables were fetched again for each
 * district). Any order gives the same results: each replication of each
 * cell has its own stream and results. Returns the visits' count.
 */
static int order_visits(struct campaign *c, int count)
{
	int bins[VARYING_GRID_POINTS + 1], n = 0;
	for (int g = 0; g < c->n_groups; g++)
		for (int j = 0; j < count; j++)
			c->visits[n++] = VISIT(g, j);
	for (int pass = 0; pass < 2; pass++) {
		/* the rebound first: the rectification rate's order decides */
		memset(bins, 0, sizeof bins);
		for (int v = 0; v < n; v++) {
			const struct varying_cell *lead = group_lead(c, VISIT_GROUP(c->visits[v]));
			const struct campaign_values *x = &lead->values[VISIT_REPLICATION(c->visits[v])];
			uint16_t key = pass == 0 ? grid_key(lead->how.rebound, x->rebound)
						 : grid_key(lead->how.rectify_rate, x->rectify_rate);
			c->visit_keys[v] = key;
			bins[key]++;
		}
		for (int i = 0, at = 0; i <= VARYING_GRID_POINTS; i++) {
			int here = bins[i];
			bins[i] = at;
			at += here;
		}
		for (int v = 0; v < n; v++)
			c->visits_scratch[bins[c->visit_keys[v]]++] = c->visits[v];
		memcpy(c->visits, c->visits_scratch, (size_t)n * sizeof *c->visits);
	}
	return n;
}

/* A lane's weeks of any kind (kept tables, a few values' tables, the
 * grid, the walk), out of line as lane_weeks_grid. */
__attribute__((noinline)) static void lane_weeks_any(struct lane *px, struct lane_draws *d,
						     int weeks, int64_t *open)
{
	struct lane x = *px;
	for (int t = 1; t <= weeks; t++) {
		lane_week_varying(&x, d);
		open[t] = x.open;
	}
	*px = x;
}

/* Replication FIRST + J of varying cell K, its weeks and its results. */
static void run_varying_lane(struct campaign *c, size_t k, uint64_t seed, uint64_t first, int j,
			     struct lane_kept *kept, const int *batch_week)
{
	struct lane x;
	struct lane_draws d;
	varying_lane_start(c, k, seed, first, j, kept, &x, &d);
	if (d.rectify_at == NULL && d.rebound_at == NULL && d.arrival_at != NULL &&
	    d.arrival_at->table != NULL)
		lane_weeks_grid(&x, &d, c->weeks, c->week_open);
	else
		lane_weeks_any(&x, &d, c->weeks, c->week_open);
	lane_end(c, k, j, &x, c->week_open, batch_week);
}

/*
 * Every varying cell of the block, visit by visit (order_visits), each
 * visit's cells in turn, one lane at a time: one lane's stream, counts and
 * samplers stay in registers (two at a time, as run_cell, spilled them:
 * 1.18 to 1.20 s against 1.12 to 1.13 for the uncertain-rates demo; the
 * certain cells keep two, which is 8 % faster for them).
 * An uncertain input of the district gives a visit's cells the same rates:
 * they draw from the same grid points' tables, with one set-up, rewound.
 */
static void run_varying_cells(struct campaign *c, uint64_t seed, uint64_t first, int count,
			      const int *batch_week)
{
	int n = order_visits(c, count);
	struct lane_kept kept;
	kept.rectify.p = kept.rebound.p = NAN;
	for (int v = 0; v < n; v++) {
		int g = VISIT_GROUP(c->visits[v]), j = VISIT_REPLICATION(c->visits[v]);
		const size_t *cells = &c->order[c->group_first[g]];
		size_t m = c->group_cells[g];
		for (size_t i = 0; i < m; i++)
			run_varying_lane(c, cells[i], seed, first, j, &kept, batch_week);
	}
}

/* Cell K of the block as the donor ran it (campaign_share): O at each
 * tau_b and the cell's sums, for each replication J of COUNT. */
static void take_cell(struct campaign *c, size_t k, int count)
{
	const struct campaign *from = c->donor;
	size_t batches = (size_t)c->batches;
	for (int j = 0; j < count; j++) {
		size_t at = (k * (size_t)c->capacity + (size_t)j) * batches;
		size_t there = (k * (size_t)from->capacity + (size_t)j) * batches;
		for (size_t b = 0; b < batches; b++)
			set_open_at(c, at + b, open_at(from, there + b));
		const int64_t *sums = &from->cell_sums[(k * (size_t)from->capacity + (size_t)j) * 2];
		c->rectified[j] += sums[0];
		c->arrived[j] += sums[1];
		if (c->cell_sums != NULL) {
			int64_t *mine = &c->cell_sums[(k * (size_t)c->capacity + (size_t)j) * 2];
			mine[0] = sums[0];
			mine[1] = sums[1];
		}
	}
}

void campaign_run_block(struct campaign *c, const struct scenario *s, uint64_t seed,
			uint64_t first, int count, const int *batch_week)
{
	(void)s;
	c->hooked = 0;
	memset(c->rectified, 0, (size_t)count * sizeof *c->rectified);
	memset(c->arrived, 0, (size_t)count * sizeof *c->arrived);
	if (c->initial_shift != NULL)
		memset(c->initial_shift, 0, (size_t)count * sizeof *c->initial_shift);
	/* the donor ran this very block: its shared cells are copied */
	const struct campaign *from = c->donor;
	int take = from != NULL && from->block_count == count && from->block_seed == seed &&
		   from->block_first == first;
	for (size_t i = 0; i < c->cells; i++) {
		size_t k = c->order[i];
		if (take && c->shared[k])
			take_cell(c, k, count);
		else if (c->vary == NULL || c->vary[k] < 0)
			run_cell(c, k, seed, first, count, batch_week);
		/* the varying cells after the others, together (run_varying_cells) */
	}
	if (c->vary != NULL && c->n_groups > 0)
		run_varying_cells(c, seed, first, count, batch_week);
	c->block_seed = seed;
	c->block_first = first;
	c->block_count = count;
}

/* Whether cell K draws alike in C and D (neither varies it). */
static int cell_alike(const struct campaign *c, const struct campaign *d, size_t k)
{
	const struct cell_draws *x = &c->draws[k], *y = &d->draws[k];
	return (c->vary == NULL || c->vary[k] < 0) && (d->vary == NULL || d->vary[k] < 0) &&
	       x->problems == y->problems && x->rectify.source.rate.p == y->rectify.source.rate.p &&
	       x->rebound.source.rate.p == y->rebound.source.rate.p &&
	       x->arrival.rate.mu == y->arrival.rate.mu;
}

int campaign_share(struct campaign *c, const struct scenario *s, struct campaign *donor,
		   const struct scenario *donor_s)
{
	if (c == donor || c->cells != donor->cells || c->weeks != donor->weeks ||
	    c->batches != donor->batches || s->window_first != donor_s->window_first ||
	    s->window_last != donor_s->window_last)
		return 0;
	size_t alike = 0;
	for (size_t k = 0; k < c->cells; k++)
		alike += (size_t)cell_alike(c, donor, k);
	if (alike == 0)
		return 0;
	if (c->shared == NULL && (c->shared = calloc(c->cells, sizeof *c->shared)) == NULL)
		return -1;
	if (donor->cell_sums == NULL) {
		donor->cell_sums = calloc(donor->cells * (size_t)donor->capacity * 2,
					  sizeof *donor->cell_sums);
		if (donor->cell_sums == NULL)
			return -1;
		donor->block_count = 0; /* a block run before has no sums to lend */
	}
	for (size_t k = 0; k < c->cells; k++)
		c->shared[k] = (unsigned char)cell_alike(c, donor, k);
	c->donor = donor;
	return (int)alike;
}


int64_t campaign_open(const struct campaign *c, int j, int b, size_t k)
{
	if (c->hooked)
		return c->hooked_open[campaign_hooked_open_at(c, j, k, b)];
	size_t at = (k * (size_t)c->capacity + (size_t)j) * (size_t)c->batches + (size_t)b;
	return open_at(c, at);
}

double campaign_rectification(const struct campaign *c, int j)
{
	double initial = (double)c->initial;
	if (c->initial_shift != NULL)
		initial += (double)c->initial_shift[j];
	double denominator = initial + (double)c->arrived[j];
	return denominator > 0.0 ? (double)c->rectified[j] / denominator : 0.0;
}
