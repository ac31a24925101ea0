/*
 * The compiled model: what follows from a valid scenario and what every
 * replication reads, made once after the policies' setup (the survey's
 * allocation, the site pools, the score's bounds and histogram).
 */
#include "scenario.h"
#include "ccsim_limits.h"
#include "i18n.h"

#include <math.h>
#include <stdlib.h>

/* One share's remainder, for ordering. */
struct remainder {
	double value;
	int index;
};

/* Largest remainder first; ties to the earlier share. */
static int by_remainder(const void *a, const void *b)
{
	const struct remainder *x = a, *y = b;
	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

int scenario_largest_remainder(int64_t total, const double *weight, int n, int64_t *out)
{
	double sum = 0.0;
	for (int i = 0; i < n; i++)
		sum += weight[i];

	int64_t given = 0;
	struct remainder *remainder = malloc((size_t)(n > 0 ? n : 1) * sizeof *remainder);
	if (remainder == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		double quota = (double)total * weight[i] / sum;
		double whole = floor(quota);
		out[i] = (int64_t)whole;
		remainder[i].value = quota - whole;
		remainder[i].index = i;
		given += out[i];
	}
	/* Each remaining unit goes to the largest remainder not yet served. */
	qsort(remainder, (size_t)n, sizeof *remainder, by_remainder);
	int64_t left = total - given;
	for (int i = 0; i < n && left > 0; i++, left--)
		out[remainder[i].index]++;
	free(remainder);
	return 0;
}

void scenario_total_bounds(const struct scenario *s, double *lo, double *hi)
{
	double materials = 0.0, honours = 0.0, deductions = 0.0, field_weight = 0.0;
	for (int c = 0; c < s->n_categories; c++)
		field_weight += s->categories[c].weight;
	for (int i = 0; i < s->n_materials; i++)
		materials += s->materials[i].points * (double)s->materials[i].items;
	for (int i = 0; i < s->bonus.n_honors; i++)
		honours += s->bonus.honors[i].points;
	for (int i = 0; i < s->n_negatives; i++)
		deductions += s->negatives[i].deduct;

	double city_lo = -deductions;
	double city_hi = field_weight + materials + s->survey.weight + s->overall.weight +
			 fmin(s->bonus.cap, honours);
	double year_lo = city_lo, year_hi = city_hi;
	if (s->minors.present) {
		double w = s->minors.weight;
		year_lo = (1.0 - w) * city_lo;
		year_hi = (1.0 - w) * city_hi + w * 100.0;
	}
	if (s->history.present) {
		double past = 0.0;
		for (int i = 0; i < s->history.n; i++)
			past += s->history.weights[i] * s->history.scores[i];
		*lo = past + s->history.current_weight * year_lo;
		*hi = past + s->history.current_weight * year_hi;
	} else {
		*lo = year_lo;
		*hi = year_hi;
	}
}

void scenario_compiled_free(struct scenario_compiled *m)
{
	if (m == NULL)
		return;
	free(m->respondents);
	free(m->declared_before);
	free(m->undeclared_before);
	free(m);
}

struct scenario_compiled *scenario_compile(const struct scenario *s, struct diag *d)
{
	size_t D = (size_t)s->n_districts, C = (size_t)s->n_categories;
	struct scenario_compiled *m = calloc(1, sizeof *m);
	double *population = calloc(D + 1, sizeof *population);
	if (m != NULL) {
		m->scenario = s;
		m->respondents = calloc(D + 1, sizeof *m->respondents);
		m->declared_before = malloc((C + 1) * (D + 1) * sizeof(int64_t));
		m->undeclared_before = malloc((C + 1) * (D + 1) * sizeof(int64_t));
	}
	if (m == NULL || population == NULL || m->respondents == NULL || m->declared_before == NULL ||
	    m->undeclared_before == NULL) {
		free(population);
		scenario_compiled_free(m);
		diag_no_memory(d, _("preparing the scenario"));
		return NULL;
	}

	for (size_t c = 0; c < C; c++)
		m->field_weight += s->categories[c].weight;

	for (size_t i = 0; i < D; i++)
		population[i] = s->districts[i].population;
	int allocated = scenario_largest_remainder(s->survey.respondents, population, (int)D,
						   m->respondents);
	free(population);
	if (allocated != 0) {
		scenario_compiled_free(m);
		diag_no_memory(d, _("preparing the scenario"));
		return NULL;
	}

	for (size_t c = 0; c < C; c++) {
		int64_t *declared = &m->declared_before[c * (D + 1)];
		int64_t *undeclared = &m->undeclared_before[c * (D + 1)];
		declared[0] = undeclared[0] = 0;
		for (size_t i = 0; i < D; i++) {
			const struct cell *cell = scenario_cell(s, (int)i, (int)c);
			declared[i + 1] = declared[i] + cell->declared;
			undeclared[i + 1] = undeclared[i] + (cell->sites - cell->declared);
		}
	}

	scenario_total_bounds(s, &m->total_lo, &m->total_hi);
	double first = floor(m->total_lo * SCENARIO_HISTOGRAM_BINS_PER_POINT) - 1.0;
	double last = floor(m->total_hi * SCENARIO_HISTOGRAM_BINS_PER_POINT) + 1.0;
	if (!isfinite(first) || !isfinite(last) || last - first + 1.0 > LIMIT_HISTOGRAM_BINS) {
		diag_add(d, 0, _("the total score can range over [%g, %g], too wide for the 0.01-point "
			 "histogram (at most %d bins): check the weights, points and deductions"),
			 m->total_lo, m->total_hi, LIMIT_HISTOGRAM_BINS);
		scenario_compiled_free(m);
		return NULL;
	}
	m->histogram_base = (int64_t)first;
	m->histogram_bins = (int64_t)(last - first) + 1;
	return m;
}

int scenario_derive(const struct scenario *s, struct diag *d)
{
	struct scenario_compiled *m = scenario_compile(s, d);
	scenario_compiled_free(m);
	return m != NULL ? 0 : -1;
}
