#include "scenario.h"
#include "ccsim_limits.h"

#include "text.h"
#include "uncertain.h"
#include "i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void free_strings(char **strings, int n)
{
	for (int i = 0; strings != NULL && i < n; i++)
		free(strings[i]);
	free(strings);
}

static void policy_free(struct policy *p)
{
	free(p->plugin);
	free(p->file);
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
	for (int i = 0; i < s->n_sensitivity; i++) {
		free(s->sensitivity[i].path);
		free(s->sensitivity[i].file);
	}
	free(s->sensitivity);
	free(s->budget.unit);
	for (int i = 0; i < s->n_levers; i++) {
		free(s->levers[i].name);
		free(s->levers[i].param);
		free(s->levers[i].file);
	}
	free(s->levers);
	free_strings(s->layers, s->n_layers);
	for (int i = 0; i < s->n_origins; i++) {
		free(s->origins[i].path);
		free(s->origins[i].file);
		free(s->origins[i].replaced_file);
	}
	free(s->origins);
	diag_free(&s->warnings);
	uncertain_set_free(s->uncertain);
	free(s->uncertain_first);
	free(s->uncertain_targets);
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

/* 1 when every string and array of P was allocated (FROM_FILE: the file it copied). */
static int policy_complete(const struct policy *p, const char *from_file)
{
	if (p->plugin == NULL || p->params == NULL || (p->n_targets > 0 && p->targets == NULL))
		return 0;
	if (p->file == NULL && from_file != NULL)
		return 0;
	for (int t = 0; t < p->n_targets; t++)
		if (p->targets[t] == NULL)
			return 0;
	for (int j = 0; j < p->n_params; j++) {
		const struct policy_param *q = &p->params[j];
		if (q->key == NULL || (q->type == POLICY_VALUE_STRING && q->string == NULL) ||
		    (q->type == POLICY_VALUE_NUMBERS && q->numbers == NULL) ||
		    (q->type == POLICY_VALUE_STRINGS && q->strings == NULL))
			return 0;
		for (int i = 0; q->type == POLICY_VALUE_STRINGS && i < q->count; i++)
			if (q->strings[i] == NULL)
				return 0;
	}
	return 1;
}

int scenario_split_policy(struct scenario *s, int index, const char *key, const double *amounts)
{
	const struct policy *old = &s->policies[index];
	int targets = old->n_targets ? old->n_targets : s->n_districts;
	int n = s->n_policies - 1 + targets;
	struct policy *split = calloc((size_t)targets, sizeof *split);
	if (split == NULL)
		return -1;
	int complete = 1;
	for (int t = 0; t < targets; t++) {
		struct policy *p = &split[t];
		p->plugin = text_copy(old->plugin);
		p->line = old->line;
		p->file = old->file ? text_copy(old->file) : NULL;
		p->targets = calloc(1, sizeof *p->targets);
		if (p->targets != NULL) {
			p->n_targets = 1;
			p->targets[0] = text_copy(old->n_targets ? old->targets[t] : s->districts[t].name);
		}
		copy_params_with(p, old, key, amounts[t]);
		complete &= policy_complete(p, old->file);
	}
	struct policy *policies = complete ? calloc((size_t)n, sizeof *policies) : NULL;
	if (policies == NULL) {
		for (int t = 0; t < targets; t++)
			policy_free(&split[t]);
		free(split);
		return -1; /* S unchanged */
	}
	int k = 0;
	for (int i = 0; i < s->n_policies; i++) {
		if (i != index) {
			policies[k++] = s->policies[i]; /* moved, not copied */
			continue;
		}
		for (int t = 0; t < targets; t++)
			policies[k++] = split[t];
	}
	free(split);
	policy_free(&s->policies[index]); /* the others moved */
	free(s->policies);
	s->policies = policies;
	s->n_policies = n;
	return targets;
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
					 _("%sdistrict '%s', category '%s': declared is %lld but the district "
					 "has only %lld sites of it (declared must be at most sites)"),
					 prefix, di->name, s->categories[c].name, (long long)cell->declared,
					 (long long)cell->sites);
		}
		if (di->satisfaction_concentration > 0.0 &&
		    (di->satisfaction <= 0.0 || di->satisfaction >= 1.0))
			diag_add(d, line_at(lines->satisfaction, (size_t)i),
				 _("%sdistrict '%s': 'satisfaction' is %g, must be within (0, 1) when "
				 "satisfaction_concentration is positive (or set the concentration to 0)"),
				 prefix, di->name, di->satisfaction);
	}

	/* each category's declared and undeclared sites, summed in the cells'
	 * order (a category's column, one cell a district, strides through
	 * memory: at 100,000 districts, a cache miss a cell) */
	struct site_sums {
		int64_t declared, undeclared;
		int invalid;
	} *sums = calloc((size_t)(C > 0 ? C : 1), sizeof *sums);
	if (sums == NULL) {
		diag_no_memory(d, _("checking the scenario"));
		return d->count - before;
	}
	for (size_t k = 0; k < (size_t)s->n_districts * (size_t)C;) {
		for (int c = 0; c < C; c++, k++) {
			sums[c].invalid |= lines->cell_valid && !lines->cell_valid[k];
			sums[c].declared += s->cells[k].declared;
			sums[c].undeclared += s->cells[k].sites - s->cells[k].declared;
		}
	}
	double field_weight = 0.0;
	for (int c = 0; c < C; c++) {
		const struct category *k = &s->categories[c];
		field_weight += k->weight;
		if (k->weight <= 0.0)
			continue;
		int64_t declared = sums[c].declared, undeclared = sums[c].undeclared;
		int64_t drawn = (k->lottery < declared ? k->lottery : declared) +
				(k->random_view < undeclared ? k->random_view : undeclared);
		if (!sums[c].invalid && drawn < 1)
			diag_add(d, line_at(lines->category, (size_t)c),
				 _("%scategory '%s' has weight %g but no site of it can be inspected "
				 "(lottery %lld over %lld declared sites, random_view %lld over %lld "
				 "undeclared): raise lottery or random_view, declare sites, or set weight = 0"),
				 prefix, k->name, k->weight, (long long)k->lottery, (long long)declared,
				 (long long)k->random_view, (long long)undeclared);
	}
	free(sums);
	/* Every sum of the weekly dynamics stays exact: a cell holds at most its
	 * problems plus its arrivals (rebounds return what was rectified), and
	 * in a week it rectifies at most what it holds. */
	double moved = 0.0;
	for (size_t k = 0; k < (size_t)s->n_districts * (size_t)C; k++) {
		if (lines->cell_valid && !lines->cell_valid[k])
			continue;
		double held = (double)s->cells[k].problems +
			      (double)s->weeks * (2.0 * s->cells[k].new_per_week + 100.0);
		moved += (double)s->weeks * held;
	}
	if (moved > LIMIT_CAMPAIGN_PROBLEMS)
		diag_add(d, 0,
			 _("%sthe campaign could move up to %.3g problems in all (weeks x the problems "
			 "a cell can hold, over every cell), more than the %.0e whose sums stay exact: "
			 "lower weeks, new_per_week or problems"),
			 prefix, moved, LIMIT_CAMPAIGN_PROBLEMS);
	if (s->overall.weight > 0.0 && field_weight <= 0.0)
		diag_add(d, lines->overall,
			 _("%soverall: weight %g needs a field score to judge, but every category has "
			 "weight 0: give a category a weight or set overall weight = 0"),
			 prefix, s->overall.weight);
	return d->count - before;
}
