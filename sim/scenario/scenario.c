#include "scenario.h"
#include "ccsim_limits.h"

#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void free_strings(char **strings, int n)
{
	for (int i = 0; i < n; i++)
		free(strings[i]);
	free(strings);
}

static void policy_free(struct policy *p)
{
	free(p->plugin);
	free_strings(p->targets, p->n_targets);
	for (int j = 0; j < p->n_params; j++) {
		free(p->params[j].key);
		free(p->params[j].string);
		free(p->params[j].numbers);
		free_strings(p->params[j].strings,
			     p->params[j].count * (p->params[j].type == POLICY_VALUE_STRINGS));
	}
	free(p->params);
}

void scenario_free(struct scenario *s)
{
	if (s == NULL)
		return;
	free(s->name);
	free(s->file);
	for (int i = 0; i < s->n_categories; i++)
		free(s->categories[i].name);
	free(s->categories);
	for (int i = 0; i < s->n_districts; i++)
		free(s->districts[i].name);
	free(s->districts);
	free(s->cells);
	for (int i = 0; i < s->n_materials; i++)
		free(s->materials[i].name);
	free(s->materials);
	for (int i = 0; i < s->n_negatives; i++)
		free(s->negatives[i].name);
	free(s->negatives);
	for (int i = 0; i < s->bonus.n_honors; i++)
		free(s->bonus.honors[i].name);
	free(s->bonus.honors);
	free(s->history.scores);
	free(s->history.weights);
	free(s->pass.bands);
	for (int i = 0; i < s->pass.n_competitors; i++)
		free(s->pass.competitors[i].name);
	free(s->pass.competitors);
	for (int i = 0; i < s->n_policies; i++)
		policy_free(&s->policies[i]);
	free(s->policies);
	for (int i = 0; i < s->n_sensitivity; i++)
		free(s->sensitivity[i].path);
	free(s->sensitivity);
	free(s->declared_before);
	free(s->undeclared_before);
	free(s);
}

/* A deep copy of FROM with KEY set to VALUE (added when missing). */
static int copy_params_with(struct policy *to, const struct policy *from, const char *key,
			    double value)
{
	to->params = calloc((size_t)from->n_params + 1, sizeof *to->params);
	if (to->params == NULL)
		return -1;
	int found = 0;
	for (int j = 0; j < from->n_params; j++) {
		const struct policy_param *a = &from->params[j];
		struct policy_param *b = &to->params[to->n_params++];
		*b = *a;
		b->key = text_copy(a->key);
		b->string = NULL;
		b->numbers = NULL;
		b->strings = NULL;
		if (strcmp(a->key, key) == 0) {
			b->type = POLICY_VALUE_NUMBER;
			b->number = value;
			found = 1;
		} else if (a->type == POLICY_VALUE_STRING) {
			b->string = text_copy(a->string);
		} else if (a->type == POLICY_VALUE_NUMBERS) {
			b->numbers = calloc((size_t)a->count + 1, sizeof *b->numbers);
			if (b->numbers)
				memcpy(b->numbers, a->numbers, (size_t)a->count * sizeof *b->numbers);
		} else if (a->type == POLICY_VALUE_STRINGS) {
			b->strings = calloc((size_t)a->count + 1, sizeof *b->strings);
			for (int i = 0; b->strings && i < a->count; i++)
				b->strings[i] = text_copy(a->strings[i]);
		}
	}
	if (!found) {
		struct policy_param *b = &to->params[to->n_params++];
		memset(b, 0, sizeof *b);
		b->key = text_copy(key);
		b->type = POLICY_VALUE_NUMBER;
		b->number = value;
		b->line = from->line;
	}
	return 0;
}

int scenario_split_policy(struct scenario *s, int index, const char *key, const double *amounts)
{
	const struct policy *old = &s->policies[index];
	int targets = old->n_targets ? old->n_targets : s->n_districts;
	int n = s->n_policies - 1 + targets;
	struct policy *policies = calloc((size_t)n, sizeof *policies);
	if (policies == NULL)
		return -1;
	int k = 0;
	for (int i = 0; i < s->n_policies; i++) {
		if (i != index) {
			policies[k++] = s->policies[i]; /* moved, not copied */
			continue;
		}
		for (int t = 0; t < targets; t++) {
			struct policy *p = &policies[k++];
			p->plugin = text_copy(old->plugin);
			p->line = old->line;
			p->n_targets = 1;
			p->targets = calloc(1, sizeof *p->targets);
			if (p->targets)
				p->targets[0] = text_copy(old->n_targets ? old->targets[t] : s->districts[t].name);
			copy_params_with(p, old, key, amounts[t]);
		}
	}
	policy_free(&s->policies[index]); /* the others moved */
	free(s->policies);
	s->policies = policies;
	s->n_policies = n;
	return targets;
}

void allocate_largest_remainder(int64_t total, const double *weight, int n, int64_t *out)
{
	double sum = 0.0;
	for (int i = 0; i < n; i++)
		sum += weight[i];

	int64_t given = 0;
	double *remainder = malloc((size_t)n * sizeof *remainder);
	if (remainder == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		double quota = (double)total * weight[i] / sum;
		double whole = floor(quota);
		out[i] = (int64_t)whole;
		remainder[i] = quota - whole;
		given += out[i];
	}
	/* Each remaining unit goes to the largest remainder not yet served;
	 * strict '>' keeps ties with the earlier share. */
	for (int64_t left = total - given; left > 0; left--) {
		int best = -1;
		for (int i = 0; i < n; i++)
			if (remainder[i] >= 0.0 && (best < 0 || remainder[i] > remainder[best]))
				best = i;
		if (best < 0)
			break;
		out[best]++;
		remainder[best] = -1.0;
	}
	free(remainder);
}

void scenario_total_bounds(const struct scenario *s, double *lo, double *hi)
{
	double materials = 0.0, honours = 0.0, deductions = 0.0;
	for (int i = 0; i < s->n_materials; i++)
		materials += s->materials[i].points * (double)s->materials[i].items;
	for (int i = 0; i < s->bonus.n_honors; i++)
		honours += s->bonus.honors[i].points;
	for (int i = 0; i < s->n_negatives; i++)
		deductions += s->negatives[i].deduct;

	double city_lo = -deductions;
	double city_hi = s->field_weight + materials + s->survey.weight + s->overall.weight +
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

int scenario_derive(struct scenario *s, struct diag *d)
{
	int D = s->n_districts, C = s->n_categories;

	s->field_weight = 0.0;
	for (int c = 0; c < C; c++)
		s->field_weight += s->categories[c].weight;

	double *population = calloc((size_t)D + 1, sizeof *population);
	int64_t *share = calloc((size_t)D + 1, sizeof *share);
	free(s->declared_before);
	free(s->undeclared_before);
	s->declared_before = malloc((size_t)C * (size_t)(D + 1) * sizeof(int64_t));
	s->undeclared_before = malloc((size_t)C * (size_t)(D + 1) * sizeof(int64_t));
	if (!population || !share || !s->declared_before || !s->undeclared_before) {
		free(population);
		free(share);
		diag_add(d, 0, "out of memory while preparing the scenario");
		return -1;
	}
	for (int i = 0; i < D; i++)
		population[i] = s->districts[i].population;
	allocate_largest_remainder(s->survey.respondents, population, D, share);
	for (int i = 0; i < D; i++)
		s->districts[i].respondents = share[i];
	free(population);
	free(share);

	for (int c = 0; c < C; c++) {
		int64_t *declared = &s->declared_before[(size_t)c * (size_t)(D + 1)];
		int64_t *undeclared = &s->undeclared_before[(size_t)c * (size_t)(D + 1)];
		declared[0] = undeclared[0] = 0;
		for (int i = 0; i < D; i++) {
			const struct cell *cell = scenario_cell(s, i, c);
			declared[i + 1] = declared[i] + cell->declared;
			undeclared[i + 1] = undeclared[i] + (cell->sites - cell->declared);
		}
	}

	double lo, hi;
	scenario_total_bounds(s, &lo, &hi);
	double first = floor(lo * SCENARIO_HISTOGRAM_BINS_PER_POINT) - 1.0;
	double last = floor(hi * SCENARIO_HISTOGRAM_BINS_PER_POINT) + 1.0;
	if (!isfinite(first) || !isfinite(last) || last - first + 1.0 > LIMIT_HISTOGRAM_BINS) {
		diag_add(d, 0, "the total score can range over [%g, %g], too wide for the 0.01-point "
			 "histogram (at most %d bins): check the weights, points and deductions",
			 lo, hi, LIMIT_HISTOGRAM_BINS);
		return -1;
	}
	s->histogram_base = (int64_t)first;
	s->histogram_bins = (int64_t)(last - first) + 1;
	return 0;
}

static int line_at(const int *lines, size_t i)
{
	return lines ? lines[i] : 0;
}

int scenario_check_consistency(const struct scenario *s, const struct scenario_lines *lines,
			       const char *prefix, struct diag *d)
{
	static const struct scenario_lines none = {NULL, NULL, NULL, 0, NULL};
	int before = d->count;
	int C = s->n_categories;
	if (lines == NULL)
		lines = &none;

	for (int i = 0; i < s->n_districts; i++) {
		const struct district *di = &s->districts[i];
		for (int c = 0; c < C; c++) {
			size_t k = (size_t)i * (size_t)C + (size_t)c;
			const struct cell *cell = &s->cells[k];
			if (lines->cell_valid && !lines->cell_valid[k])
				continue;
			if (cell->declared > cell->sites)
				diag_add(d, line_at(lines->declared, k),
					 "%sdistrict '%s', category '%s': declared is %lld but the district "
					 "has only %lld sites of it (declared must be at most sites)",
					 prefix, di->name, s->categories[c].name, (long long)cell->declared,
					 (long long)cell->sites);
		}
		if (di->satisfaction_concentration > 0.0 &&
		    (di->satisfaction <= 0.0 || di->satisfaction >= 1.0))
			diag_add(d, line_at(lines->satisfaction, (size_t)i),
				 "%sdistrict '%s': 'satisfaction' is %g, must be within (0, 1) when "
				 "satisfaction_concentration is positive (or set the concentration to 0)",
				 prefix, di->name, di->satisfaction);
	}

	double field_weight = 0.0;
	for (int c = 0; c < C; c++) {
		const struct category *k = &s->categories[c];
		field_weight += k->weight;
		if (k->weight <= 0.0)
			continue;
		int64_t declared = 0, undeclared = 0;
		int invalid = 0;
		for (int i = 0; i < s->n_districts; i++) {
			size_t cell = (size_t)i * (size_t)C + (size_t)c;
			invalid |= lines->cell_valid && !lines->cell_valid[cell];
			declared += s->cells[cell].declared;
			undeclared += s->cells[cell].sites - s->cells[cell].declared;
		}
		int64_t drawn = (k->lottery < declared ? k->lottery : declared) +
				(k->random_view < undeclared ? k->random_view : undeclared);
		if (!invalid && drawn < 1)
			diag_add(d, line_at(lines->category, (size_t)c),
				 "%scategory '%s' has weight %g but no site of it can be inspected "
				 "(lottery %lld over %lld declared sites, random_view %lld over %lld "
				 "undeclared): raise lottery or random_view, declare sites, or set weight = 0",
				 prefix, k->name, k->weight, (long long)k->lottery, (long long)declared,
				 (long long)k->random_view, (long long)undeclared);
	}
	if (s->overall.weight > 0.0 && field_weight <= 0.0)
		diag_add(d, lines->overall,
			 "%soverall: weight %g needs a field score to judge, but every category has "
			 "weight 0: give a category a weight or set overall weight = 0",
			 prefix, s->overall.weight);
	return d->count - before;
}
