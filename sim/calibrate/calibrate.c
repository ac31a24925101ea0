#include "calibrate.h"
#include "i18n.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sample.h"
#include "varying.h"
#include "special.h"

/* ---- posteriors ---------------------------------------------------------- */

static void rate_posterior_set(struct rate_posterior *p, double a0, double b0, int64_t successes,
			       int64_t trials)
{
	double tail = (1.0 - CALIBRATE_INTERVAL) / 2;
	p->prior_alpha = a0;
	p->prior_beta = b0;
	p->successes = successes;
	p->trials = trials;
	p->alpha = a0 + (double)successes;
	p->beta = b0 + (double)(trials - successes);
	p->mean = p->alpha / (p->alpha + p->beta);
	double log_beta = special_log_beta(p->alpha, p->beta);
	special_beta_quantile(p->alpha, p->beta, tail, 1 - tail, log_beta, &p->low, NULL);
	special_beta_quantile(p->alpha, p->beta, 1 - tail, tail, log_beta, &p->high, NULL);
}

static void count_posterior_set(struct count_posterior *p, int64_t total, int weeks)
{
	double tail = (1.0 - CALIBRATE_INTERVAL) / 2;
	p->total = total;
	p->shape = CALIBRATE_GAMMA_SHAPE + (double)total;
	p->rate = weeks;
	p->mean = p->shape / p->rate;
	double log_gamma = special_log_gamma(p->shape);
	p->low = special_gamma_quantile(p->shape, tail, 1 - tail, log_gamma) / p->rate;
	p->high = special_gamma_quantile(p->shape, 1 - tail, tail, log_gamma) / p->rate;
}

/* The counts of one cell's rows: fixes and their trials, rebounds and theirs, found. */
struct cell_counts {
	int64_t fixed, open_before, rebounded, fixed_before, found;
};

static struct cell_counts count_rows(const struct report_row *rows, int n)
{
	struct cell_counts c = {0};
	int64_t open = reports_open_before(&rows[0]);
	for (int i = 0; i < n; i++) {
		c.fixed += rows[i].fixed;
		c.open_before += open;
		c.found += rows[i].found;
		if (i > 0) {
			c.rebounded += rows[i].rebounded;
			c.fixed_before += rows[i - 1].fixed;
		}
		open = rows[i].open;
	}
	return c;
}

/* Fits each category's priors over its districts' cells. */
static int fit_priors(const struct scenario *s, struct calibration *c, const struct cell_counts *counts)
{
	int nc = s->n_categories, nd = s->n_districts;
	c->rectify_prior = calloc((size_t)nc, sizeof *c->rectify_prior);
	c->rebound_prior = calloc((size_t)nc, sizeof *c->rebound_prior);
	int64_t *k = malloc(2 * (size_t)nd * sizeof *k);
	if (c->rectify_prior == NULL || c->rebound_prior == NULL || k == NULL) {
		free(k);
		return -1;
	}
	int64_t *n = k + nd;
	for (int category = 0; category < nc; category++) {
		int m = 0;
		for (int i = 0; i < c->n_cells; i++)
			if (c->cells[i].category == category)
				k[m] = counts[i].fixed, n[m++] = counts[i].open_before;
		pooling_fit(k, n, m, CALIBRATE_PRIOR, CALIBRATE_PRIOR, &c->rectify_prior[category]);
		m = 0;
		for (int i = 0; i < c->n_cells; i++)
			if (c->cells[i].category == category)
				k[m] = counts[i].rebounded, n[m++] = counts[i].fixed_before;
		pooling_fit(k, n, m, CALIBRATE_PRIOR, CALIBRATE_PRIOR, &c->rebound_prior[category]);
	}
	free(k);
	return 0;
}

/* ---- the fit check ------------------------------------------------------- */

static void swap(int64_t *a, int64_t *b)
{
	int64_t t = *a;
	*a = *b;
	*b = t;
}

/* Puts the K-th smallest of X[0..N-1] at X[K], smaller ones before it and
 * larger ones after (Hoare's selection, median of three). */
static void select_kth(int64_t *x, int n, int k)
{
	int lo = 0, hi = n - 1;
	while (hi > lo) {
		int mid = lo + (hi - lo) / 2;
		if (x[mid] < x[lo])
			swap(&x[mid], &x[lo]);
		if (x[hi] < x[lo])
			swap(&x[hi], &x[lo]);
		if (x[hi] < x[mid])
			swap(&x[hi], &x[mid]);
		int64_t pivot = x[mid];
		int i = lo, j = hi;
		while (i <= j) {
			while (x[i] < pivot)
				i++;
			while (x[j] > pivot)
				j--;
			if (i <= j)
				swap(&x[i++], &x[j--]);
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
}

/* Counts of values a week's paths may span for ranks_of to count them. */
#define RANKS_COUNTED_SPAN 2048

/*
 * The RANK[0] < RANK[1] < RANK[2]-th smallest (from 0) of X[0..N-1] into
 * OUT: by counting when the values span fewer than RANKS_COUNTED_SPAN
 * integers (a week's open counts nearly always do: one pass, no
 * mispredicted swaps), else by selection (X is then reordered).
 */
static void ranks_of(int64_t *x, int n, const int rank[3], int64_t *out)
{
	int64_t min = x[0], max = x[0];
	for (int i = 1; i < n; i++) {
		min = x[i] < min ? x[i] : min;
		max = x[i] > max ? x[i] : max;
	}
	if (max - min < RANKS_COUNTED_SPAN) {
		int count[RANKS_COUNTED_SPAN];
		int span = (int)(max - min) + 1;
		memset(count, 0, (size_t)span * sizeof *count);
		for (int i = 0; i < n; i++)
			count[x[i] - min]++;
		int k = 0, below = 0;
		for (int v = 0; v < span && k < 3; v++) {
			below += count[v];
			while (k < 3 && below > rank[k])
				out[k++] = min + v;
		}
		return;
	}
	select_kth(x, n, rank[0]);
	select_kth(x + rank[0] + 1, n - rank[0] - 1, rank[1] - rank[0] - 1);
	select_kth(x + rank[1] + 1, n - rank[1] - 1, rank[2] - rank[1] - 1);
	for (int k = 0; k < 3; k++)
		out[k] = x[rank[k]];
}

/* Simulates cell E's weeks DRAWS times into PATHS ([week * draws + path]),
 * then sets its band and share inside. */
static void check_cell(struct cell_estimate *e, int cell, uint64_t seed, int draws, int64_t *paths)
{
	struct rng g;
	rng_init(&g, seed, (uint64_t)cell, 0);
	int n = e->weeks;
	for (int path = 0; path < draws; path++) {
		double r = sample_beta(&g, e->rectify.alpha, e->rectify.beta);
		double rho = sample_beta(&g, e->rebound.alpha, e->rebound.beta);
		double lambda = exp(sample_log_gamma(&g, e->arrivals.shape)) / e->arrivals.rate;
		/* rates met by one path only: drawn without tables (varying.h) */
		struct varying_binomial fix, back;
		struct varying_poisson arrive;
		varying_binomial_init(&fix, r);
		varying_binomial_init(&back, rho);
		varying_poisson_init(&arrive, lambda);
		int64_t open = e->open_before, fixed_before = 0;
		for (int t = 0; t < n; t++) {
			int64_t fixed = varying_binomial_draw(&fix, &g, open);
			int64_t rebounded = varying_binomial_draw(&back, &g, fixed_before);
			open += rebounded - fixed + varying_poisson_draw(&arrive, &g);
			fixed_before = fixed;
			paths[(size_t)t * (size_t)draws + (size_t)path] = open;
		}
	}
	/* the smallest values with at least 5 % and 95 % of the paths at or below them */
	int tail = (100 - CALIBRATE_BAND_PERCENT) / 2;
	int lo = (tail * draws + 99) / 100 - 1;
	int hi = ((100 - tail) * draws + 99) / 100 - 1;
	int mid = (draws + 1) / 2 - 1;
	const int rank[3] = {lo, mid, hi};
	e->inside = 0;
	for (int t = 0; t < n; t++) {
		int64_t *band = e->band + 3 * t;
		ranks_of(paths + (size_t)t * (size_t)draws, draws, rank, band);
		e->inside += e->rows[t].open >= band[0] && e->rows[t].open <= band[2];
	}
	e->share = (double)e->inside / n;
	e->flagged = e->share < CALIBRATE_FLAG_BELOW;
}

/* The fit check of every cell, over threads; 0, or -1 when out of memory. */
static int check_fit(struct calibration *c, const struct scenario *s, int threads)
{
	int longest = 0;
	for (int i = 0; i < c->n_cells; i++)
		if (c->cells[i].weeks > longest)
			longest = c->cells[i].weeks;
	int failed = 0;
	int team = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(team) reduction(| : failed)
	{
		int64_t *paths = malloc((size_t)longest * (size_t)c->draws * sizeof *paths);
		failed = paths == NULL;
#pragma omp for schedule(dynamic, 4)
		for (int i = 0; i < c->n_cells; i++) {
			struct cell_estimate *e = &c->cells[i];
			if (paths != NULL)
				check_cell(e, e->district * s->n_categories + e->category, c->seed, c->draws,
					   paths);
		}
		free(paths);
	}
	return failed ? -1 : 0;
}

/* ---- the calibration ----------------------------------------------------- */

/*
 * Without pooling, a cell whose reports hold no trial of a rate (no problem
 * open before any of its weeks; no fix followed by a reported week) gets
 * the prior's mean, 0.5, in place of the scenario's value: a warning at the
 * first such cell's first row, with how many there are.
 */
static void warn_uninformed(const struct scenario *s, const struct calibration *c, struct diag *d)
{
	if (c->pooled)
		return;
	for (int rate = 0; rate < 2; rate++) {
		int count = 0;
		const struct cell_estimate *first = NULL;
		for (int i = 0; i < c->n_cells; i++) {
			const struct cell_estimate *e = &c->cells[i];
			if ((rate == 0 ? e->rectify.trials : e->rebound.trials) == 0 && count++ == 0)
				first = e;
		}
		if (count == 0)
			continue;
		const char *district = s->districts[first->district].name;
		const char *category = s->categories[first->category].name;
		if (rate == 0)
			diag_add_at(d, DIAG_WARNING, NULL, first->rows[0].line,
				    ngettext("%d district-and-category (%s %s) had no problem open before any "
					     "of its weeks: its rectify_rate is the prior's mean, 0.5, not a "
					     "measurement (--pool gives it its category's)",
					     "%d districts-and-categories (the first: %s %s) had no problem open "
					     "before any of their weeks: their rectify_rate is the prior's mean, "
					     "0.5, not a measurement (--pool gives them their category's)",
					     (unsigned long)count), count, district, category);
		else
			diag_add_at(d, DIAG_WARNING, NULL, first->rows[0].line,
				    ngettext("%d district-and-category (%s %s) had no fix followed by a "
					     "reported week: its rebound is the prior's mean, 0.5, not a "
					     "measurement (--pool gives it its category's)",
					     "%d districts-and-categories (the first: %s %s) had no fix followed "
					     "by a reported week: their rebound is the prior's mean, 0.5, not a "
					     "measurement (--pool gives them their category's)",
					     (unsigned long)count), count, district, category);
	}
}

int calibrate_estimate(const struct scenario *s, const struct reports *r,
		       const struct calibrate_options *o, struct calibration *c, struct diag *d)
{
	memset(c, 0, sizeof *c);
	c->pooled = o->pool;
	c->seed = o->seed;
	c->draws = o->draws <= 0 ? CALIBRATE_DRAWS : o->draws;
	if (c->draws < CALIBRATE_MIN_DRAWS)
		c->draws = CALIBRATE_MIN_DRAWS;
	c->n_rows = r->n_rows;
	c->first_week = r->first_week;
	c->last_week = r->last_week;
	for (int k = 0; k < r->n_cells; k++)
		c->n_cells += r->cell_first[k + 1] > r->cell_first[k];
	c->cells = calloc((size_t)(c->n_cells ? c->n_cells : 1), sizeof *c->cells);
	c->bands = malloc(3 * (size_t)(r->n_rows ? r->n_rows : 1) * sizeof *c->bands);
	struct cell_counts *counts = malloc((size_t)(c->n_cells ? c->n_cells : 1) * sizeof *counts);
	if (c->cells == NULL || c->bands == NULL || counts == NULL)
		goto out_of_memory;
	int i = 0;
	for (int k = 0; k < r->n_cells; k++) {
		int b = r->cell_first[k], n = r->cell_first[k + 1] - b;
		if (n == 0)
			continue;
		struct cell_estimate *e = &c->cells[i];
		e->district = k / s->n_categories;
		e->category = k % s->n_categories;
		e->rows = &r->rows[b];
		e->weeks = n;
		e->first_week = e->rows[0].week;
		e->open_before = reports_open_before(&e->rows[0]);
		e->open_last = e->rows[n - 1].open;
		e->was = *scenario_cell(s, e->district, e->category);
		e->band = c->bands + 3 * (size_t)b;
		counts[i++] = count_rows(e->rows, n);
	}
	if (c->pooled && fit_priors(s, c, counts) != 0)
		goto out_of_memory;
	for (i = 0; i < c->n_cells; i++) {
		struct cell_estimate *e = &c->cells[i];
		const struct pooling_fit *pr = c->pooled ? &c->rectify_prior[e->category] : NULL;
		const struct pooling_fit *pk = c->pooled ? &c->rebound_prior[e->category] : NULL;
		rate_posterior_set(&e->rectify, pr ? pr->alpha : CALIBRATE_PRIOR,
				   pr ? pr->beta : CALIBRATE_PRIOR, counts[i].fixed, counts[i].open_before);
		rate_posterior_set(&e->rebound, pk ? pk->alpha : CALIBRATE_PRIOR,
				   pk ? pk->beta : CALIBRATE_PRIOR, counts[i].rebounded, counts[i].fixed_before);
		count_posterior_set(&e->arrivals, counts[i].found, e->weeks);
	}
	free(counts);
	counts = NULL;
	warn_uninformed(s, c, d);
	if (check_fit(c, s, o->threads) != 0)
		goto out_of_memory;
	for (i = 0; i < c->n_cells; i++)
		c->flagged += c->cells[i].flagged;
	return 0;
out_of_memory:
	free(counts);
	calibrate_free(c);
	diag_no_memory(d, _("calibrating"));
	return -1;
}

void calibrate_free(struct calibration *c)
{
	free(c->rectify_prior);
	free(c->rebound_prior);
	free(c->cells);
	free(c->bands);
	memset(c, 0, sizeof *c);
}
