#include "campaign.h"
#include "ccsim_limits.h"

#include <stdlib.h>
#include <string.h>

/* How many cells ahead a hooked week's step asks for the tables it will search. */
#define PREFETCH_CELLS 2

/* What a cell draws with when no hook changes its rates. */
struct cell_draws {
	struct binomial_source rectify;
	struct binomial_source rebound;
	struct poisson_source arrival;
	int64_t problems;
};

struct campaign {
	size_t cells;
	int weeks, batches;
	int capacity;
	int64_t initial;                /* sum of O0 */
	struct cell_draws *draws;       /* [cells] */
	int64_t *open;                  /* [cell][capacity][batch]: O at tau_b */
	int64_t *rectified, *arrived;   /* [capacity] */
	int64_t *week_open;             /* [weeks + 1]: one replication of one cell */
	struct inventory *inventories;  /* [cells]: the hooks' view, made on first use */
	struct rng *streams;            /* [cells], with the inventories */
	struct inversion_tables *tables;
};

void campaign_free(struct campaign *c)
{
	if (c == NULL)
		return;
	free(c->draws);
	free(c->open);
	free(c->rectified);
	free(c->arrived);
	free(c->week_open);
	free(c->inventories);
	free(c->streams);
	free(c);
}

struct campaign *campaign_new(const struct scenario *s, struct inversion_tables *tables)
{
	struct campaign *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->cells = (size_t)s->n_districts * (size_t)s->n_categories;
	c->weeks = s->weeks;
	c->batches = s->batches;
	c->tables = tables;
	size_t per_replication = (size_t)s->batches * c->cells * sizeof(int64_t) + 2 * sizeof(int64_t);
	size_t fit = LIMIT_CAMPAIGN_BLOCK_BYTES / per_replication;
	c->capacity = fit < 1 ? 1 : fit > CAMPAIGN_BLOCK ? CAMPAIGN_BLOCK : (int)fit;
	c->draws = calloc(c->cells, sizeof *c->draws);
	c->open = calloc(c->cells * (size_t)c->capacity * (size_t)s->batches, sizeof *c->open);
	c->rectified = calloc((size_t)c->capacity, sizeof *c->rectified);
	c->arrived = calloc((size_t)c->capacity, sizeof *c->arrived);
	c->week_open = calloc((size_t)s->weeks + 1, sizeof *c->week_open);
	if (!c->draws || !c->open || !c->rectified || !c->arrived || !c->week_open) {
		campaign_free(c);
		return NULL;
	}
	for (size_t k = 0; k < c->cells; k++) {
		const struct cell *cell = &s->cells[k];
		binomial_source_init(&c->draws[k].rectify, cell->rectify_rate, tables);
		binomial_source_init(&c->draws[k].rebound, cell->rebound, tables);
		poisson_source_init(&c->draws[k].arrival, cell->new_per_week, tables);
		c->draws[k].problems = cell->problems;
		c->initial += cell->problems;
	}
	return c;
}

int campaign_capacity(const struct campaign *c)
{
	return c->capacity;
}

/*
 * The draws of inversion.h, with the stream kept by value: its state stays
 * in registers through a cell's weeks, and only the rare draw out of line
 * (past the tables, or a table not built yet) sees a copy in memory.
 */
__attribute__((noinline)) static int64_t binomial_rare(const struct binomial_source *source,
							struct rng *r, int64_t n)
{
	if (n > source->n_max)
		return sample_binomial_at(r, n, &source->rate);
	return binomial_source_draw_building(source, r, n);
}

static inline int64_t draw_binomial(const struct binomial_source *source, struct rng *r, int64_t n)
{
	if (__builtin_expect(n <= 0, 0))
		return 0; /* as binomial_source_draw: no uniform drawn */
	const struct cdf_table *t = NULL;
	if (__builtin_expect(n <= source->n_max && source->cdfs != NULL, 1))
		t = atomic_load_explicit(&source->cdfs->by_n[n], memory_order_acquire);
	if (__builtin_expect(t != NULL, 1))
		return cdf_table_draw(t, r);
	struct rng kept = *r;
	int64_t x = binomial_rare(source, &kept, n);
	*r = kept;
	return x;
}

static inline int64_t draw_poisson(const struct poisson_source *source, struct rng *r)
{
	if (__builtin_expect(source->table != NULL, 1))
		return cdf_table_draw(source->table, r);
	struct rng kept = *r;
	int64_t x = poisson_source_draw_untabled(source, &kept);
	*r = kept;
	return x;
}

/* Every replication of the block for cell K (see campaign_run_block). */
static void run_cell(struct campaign *c, size_t k, uint64_t seed, uint64_t first, int count,
		     const int *batch_week)
{
	const struct cell_draws *d = &c->draws[k];
	int64_t *week_open = c->week_open;
	int64_t *open_at = &c->open[k * (size_t)c->capacity * (size_t)c->batches];
	int weeks = c->weeks, batches = c->batches;
	for (int j = 0; j < count; j++) {
		struct rng start;
		rng_init(&start, seed, first + (uint64_t)j, RNG_SUBSTREAM_CELLS + k);
		struct rng r = start;
		int64_t open = d->problems, last = 0, fixed_sum = 0, added_sum = 0;
		for (int t = 1; t <= weeks; t++) {
			int64_t fixed = draw_binomial(&d->rectify, &r, open);
			int64_t back = draw_binomial(&d->rebound, &r, last);
			int64_t added = draw_poisson(&d->arrival, &r);
			open = open - fixed + back + added;
			last = fixed;
			fixed_sum += fixed;
			added_sum += added;
			week_open[t] = open;
		}
		c->rectified[j] += fixed_sum;
		c->arrived[j] += added_sum;
		for (int b = 0; b < batches; b++)
			open_at[(size_t)j * (size_t)batches + (size_t)b] =
				week_open[batch_week[j * batches + b]];
	}
}

void campaign_run_block(struct campaign *c, const struct scenario *s, uint64_t seed,
			uint64_t first, int count, const int *batch_week)
{
	(void)s;
	memset(c->rectified, 0, (size_t)count * sizeof *c->rectified);
	memset(c->arrived, 0, (size_t)count * sizeof *c->arrived);
	for (size_t k = 0; k < c->cells; k++)
		run_cell(c, k, seed, first, count, batch_week);
}

int campaign_run_hooked(struct campaign *c, const struct scenario *s, uint64_t seed,
			uint64_t index, const int *batch_week,
			int (*hook)(void *context, uint64_t seed, uint64_t replication, int week,
				    struct inventory *inventories),
			void *context)
{
	size_t cells = c->cells;
	if (c->inventories == NULL) {
		c->inventories = calloc(cells, sizeof *c->inventories);
		c->streams = calloc(cells, sizeof *c->streams);
		if (c->inventories == NULL || c->streams == NULL)
			return CAMPAIGN_NO_MEMORY;
	}
	int64_t rectified = 0, arrived = 0;
	for (size_t k = 0; k < cells; k++) {
		const struct cell *cell = &s->cells[k];
		inventory_start(&c->inventories[k], cell->problems, cell->rectify_rate, cell->rebound,
				cell->new_per_week, c->tables);
		rng_init(&c->streams[k], seed, index, RNG_SUBSTREAM_CELLS + k);
	}
	for (int t = 1; t <= c->weeks; t++) {
		for (size_t k = 0; k < cells; k++) {
			if (k + PREFETCH_CELLS < cells)
				inventory_prefetch(&c->inventories[k + PREFETCH_CELLS]);
			inventory_week(&c->inventories[k], &c->streams[k], &rectified, &arrived);
		}
		if (hook(context, seed, index, t, c->inventories) != 0)
			return CAMPAIGN_HOOK_STOPPED;
		for (int b = 0; b < c->batches; b++)
			if (batch_week[b] == t)
				for (size_t k = 0; k < cells; k++)
					c->open[k * (size_t)c->capacity * (size_t)c->batches + (size_t)b] =
						c->inventories[k].open;
	}
	c->rectified[0] = rectified;
	c->arrived[0] = arrived;
	return CAMPAIGN_OK;
}

int64_t campaign_open(const struct campaign *c, int j, int b, size_t k)
{
	return c->open[(k * (size_t)c->capacity + (size_t)j) * (size_t)c->batches + (size_t)b];
}

double campaign_rectification(const struct campaign *c, int j)
{
	double denominator = (double)c->initial + (double)c->arrived[j];
	return denominator > 0.0 ? (double)c->rectified[j] / denominator : 0.0;
}
