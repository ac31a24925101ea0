/*
 * check's printout of a resolved scenario: every stored key of the schema,
 * section by section, lists as tables.
 */
#include "scenario_int.h"
#include "uncertain.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* VALUE of K as the printout shows it. */
static void print_value(FILE *out, const struct scenario_key *k, double value, int width)
{
	char choice[64];
	if (k->storage == SCENARIO_STORE_CHOICE && scenario_key_choice(k, (int)value, choice, sizeof choice) == 0)
		fprintf(out, "%*s", width, choice);
	else if (k->type == SCENARIO_TYPE_BOOLEAN)
		fprintf(out, "%*s", width, value != 0.0 ? "true" : "false");
	else if (k->type == SCENARIO_TYPE_INTEGER)
		fprintf(out, "%*lld", width, (long long)value);
	else
		fprintf(out, "%*g", width, value);
}

static int column_width(const struct scenario_key *k)
{
	int n = (int)strlen(scenario_key_name(k));
	return n > 8 ? n : 8;
}

/* NAME left-aligned in WIDTH terminal columns (a CJK character takes two). */
static void print_name(FILE *out, const char *name, int width)
{
	int pad = width - i18n_width(name);
	fprintf(out, "%s%*s", name, pad > 0 ? pad : 0, "");
}

/* A table of the entries of RECORD: a name column, then one column per stored key. */
static void print_table(FILE *out, const struct scenario *s, enum scenario_record record,
			const char *first, const char *(*name_of)(const struct scenario *, int, int),
			int item, const char *indent)
{
	int rows = record == SCENARIO_RECORD_CELL ? s->n_categories : scenario_record_count(s, record);
	fprintf(out, "%s", indent);
	print_name(out, first, 22);
	for (const struct scenario_key *k = scenario_schema_next(NULL, record, 0); k != NULL;
	     k = scenario_schema_next(k, record, 0))
		fprintf(out, " %*s", column_width(k), scenario_key_name(k));
	fprintf(out, "\n");
	for (int i = 0; i < rows; i++) {
		fprintf(out, "%s", indent);
		print_name(out, name_of(s, i, item), 22);
		for (const struct scenario_key *k = scenario_schema_next(NULL, record, 0); k != NULL;
		     k = scenario_schema_next(k, record, 0)) {
			fprintf(out, " ");
			if (record == SCENARIO_RECORD_CELL)
				print_value(out, k, scenario_value_get(s, k, item, i), column_width(k));
			else
				print_value(out, k, scenario_value_get(s, k, i, -1), column_width(k));
		}
		fprintf(out, "\n");
	}
}

static const char *category_name(const struct scenario *s, int i, int item)
{
	(void)item;
	return s->categories[i].name;
}

static const char *material_name(const struct scenario *s, int i, int item)
{
	(void)item;
	return s->materials[i].name;
}

static const char *negative_name(const struct scenario *s, int i, int item)
{
	(void)item;
	return s->negatives[i].name;
}

static const char *honor_name(const struct scenario *s, int i, int item)
{
	(void)item;
	return s->bonus.honors[i].name;
}

static const char *competitor_name(const struct scenario *s, int i, int item)
{
	(void)item;
	return s->pass.competitors[i].name;
}

/* The stored keys of root section SECTION as "key value, key value". */
static void print_section(FILE *out, const struct scenario *s, const char *section)
{
	size_t n = strlen(section);
	const char *separator = "";
	fprintf(out, "%-10s ", section);
	for (const struct scenario_key *k = scenario_schema_next(NULL, SCENARIO_RECORD_ROOT, 0); k != NULL;
	     k = scenario_schema_next(k, SCENARIO_RECORD_ROOT, 0)) {
		if (strncmp(k->path, section, n) != 0 || k->path[n] != '.')
			continue;
		fprintf(out, "%s%s ", separator, scenario_key_name(k));
		print_value(out, k, scenario_value_get(s, k, 0, -1), 0);
		separator = ", ";
	}
}

static void print_reals(FILE *out, const char *key, const double *values, int n)
{
	fprintf(out, ", %s [", key);
	for (int i = 0; i < n; i++)
		fprintf(out, "%s%g", i ? ", " : "", values[i]);
	fprintf(out, "]");
}

/* A layered scenario: its files, and each value a later file wrote (all else is the first's). */
static void print_layers(FILE *out, const struct scenario *s)
{
	if (s->n_layers < 2)
		return;
	fprintf(out, "\nlayers     ");
	for (int i = 0; i < s->n_layers; i++)
		fprintf(out, "%s%s", i ? _(", then ") : "", s->layers[i]);
	fprintf(out, _("\nEvery value comes from %s except these, written by a later file:\n"), s->layers[0]);
	for (int i = 0; i < s->n_origins; i++) {
		const struct scenario_origin *o = &s->origins[i];
		fprintf(out, "  %s:%d: %s %s", o->file, o->line, o->kind, o->path);
		if (o->replaced_file != NULL)
			fprintf(out, _(" (written at %s:%d)"), o->replaced_file, o->replaced_line);
		fprintf(out, "\n");
	}
}

/* The uncertain inputs (docs/model.md 3.12), one a line, as expanded. */
static void print_uncertain(FILE *out, const struct scenario *s)
{
	const struct uncertain_set *set = s->uncertain;
	for (int k = 0; set != NULL && k < uncertain_count(set); k++) {
		const struct distribution *dist = uncertain_distribution(set, k);
		double lo, hi;
		int attained;
		distribution_support(dist, &lo, &hi, &attained);
		int values = s->uncertain_first[k + 1] - s->uncertain_first[k];
		fprintf(out, ngettext("uncertain  %s: %s over [%g, %g]%s; sets %d value\n",
				      "uncertain  %s: %s over [%g, %g]%s; sets %d values\n", (unsigned long)values),
			uncertain_path(set, k), distribution_name(dist->kind), lo, hi,
			uncertain_is_relative(set, k) ? _(" times its value") : "", values);
	}
}

void scenario_print(const struct scenario *s, FILE *out)
{
	fprintf(out, _("scenario   %s (%s)\n"), s->name, s->file);
	if (s->has_replications)
		fprintf(out, _("run        replications %lld\n"), (long long)s->replications);
	if (s->has_seed)
		fprintf(out, _("run        seed %llu\n"), (unsigned long long)s->seed);
	print_section(out, s, "campaign");
	fprintf(out, "\n");
	print_section(out, s, "inspection");
	fprintf(out, ", window [%d, %d]\n", s->window_first, s->window_last);

	double field_weight = 0.0;
	for (int c = 0; c < s->n_categories; c++)
		field_weight += s->categories[c].weight;
	fprintf(out, _("\ncategories (%d), field weight %g\n"), s->n_categories, field_weight);
	print_table(out, s, SCENARIO_RECORD_CATEGORY, "name", category_name, 0, "  ");

	/* the survey's allocation, as the compiled model makes it */
	double *population = calloc((size_t)s->n_districts + 1, sizeof *population);
	int64_t *respondents = calloc((size_t)s->n_districts + 1, sizeof *respondents);
	int allocated = population != NULL && respondents != NULL;
	for (int i = 0; allocated && i < s->n_districts; i++)
		population[i] = s->districts[i].population;
	if (allocated)
		allocated = scenario_largest_remainder(s->survey.respondents, population,
						       s->n_districts, respondents) == 0;
	fprintf(out, _("\ndistricts (%d)\n"), s->n_districts);
	for (int i = 0; i < s->n_districts; i++) {
		const char *separator = ": ";
		fprintf(out, "  %s", s->districts[i].name);
		for (const struct scenario_key *k = scenario_schema_next(NULL, SCENARIO_RECORD_DISTRICT, 0);
		     k != NULL; k = scenario_schema_next(k, SCENARIO_RECORD_DISTRICT, 0)) {
			fprintf(out, "%s%s ", separator, scenario_key_name(k));
			print_value(out, k, scenario_value_get(s, k, i, -1), 0);
			separator = ", ";
		}
		if (allocated)
			fprintf(out, _(", %lld respondents"), (long long)respondents[i]);
		long long sites = 0, declared = 0, problems = 0;
		for (int c = 0; c < s->n_categories; c++) {
			sites += scenario_cell(s, i, c)->sites;
			declared += scenario_cell(s, i, c)->declared;
			problems += scenario_cell(s, i, c)->problems;
		}
		fprintf(out, _("; in all %lld sites, %lld declared, %lld problems\n"), sites, declared,
			problems);
		print_table(out, s, SCENARIO_RECORD_CELL, "category", category_name, i, "    ");
	}

	free(population);
	free(respondents);
	fprintf(out, _("\nmaterials (%d)\n"), s->n_materials);
	if (s->n_materials > 0)
		print_table(out, s, SCENARIO_RECORD_MATERIAL, "name", material_name, 0, "  ");
	print_section(out, s, "survey");
	fprintf(out, "\n");
	print_section(out, s, "overall");
	fprintf(out, _("\nnegative_list (%d)\n"), s->n_negatives);
	if (s->n_negatives > 0)
		print_table(out, s, SCENARIO_RECORD_NEGATIVE, "name", negative_name, 0, "  ");
	print_section(out, s, "bonus");
	fprintf(out, ngettext(", %d honour\n", ", %d honours\n", (unsigned long)s->bonus.n_honors),
		s->bonus.n_honors);
	if (s->bonus.n_honors > 0)
		print_table(out, s, SCENARIO_RECORD_HONOR, "name", honor_name, 0, "  ");
	if (s->minors.present) {
		print_section(out, s, "minors");
		fprintf(out, "\n");
	} else {
		fprintf(out, _("minors     none\n"));
	}
	if (s->history.present) {
		print_section(out, s, "history");
		print_reals(out, "scores", s->history.scores, s->history.n);
		print_reals(out, "weights", s->history.weights, s->history.n);
		fprintf(out, "\n");
	} else {
		fprintf(out, _("history    none\n"));
	}
	if (s->pass.rule == PASS_THRESHOLD) {
		fprintf(out, _("pass       rule threshold, threshold %g"), s->pass.threshold);
	} else {
		fprintf(out, _("pass       rule competition, slots %lld"), (long long)s->pass.slots);
	}
	if (s->pass.n_bands > 0)
		print_reals(out, "bands", s->pass.bands, s->pass.n_bands);
	fprintf(out, "\n");
	if (s->pass.rule == PASS_COMPETITION)
		print_table(out, s, SCENARIO_RECORD_COMPETITOR, "competitor", competitor_name, 0, "  ");
	for (int i = 0; i < s->n_policies; i++) {
		const struct policy *p = &s->policies[i];
		fprintf(out, _("policy %d   %s on %s"), i + 1, p->plugin, p->n_targets ? "" : _("every district"));
		for (int j = 0; j < p->n_targets; j++)
			fprintf(out, "%s%s", j ? ", " : "", p->targets[j]);
		fprintf(out, "\n");
	}
	for (int i = 0; i < s->n_sensitivity; i++)
		fprintf(out, _("sensitivity %s in [%g, %g]\n"), s->sensitivity[i].path, s->sensitivity[i].low,
			s->sensitivity[i].high);
	if (s->budget.present)
		fprintf(out, "budget     %g%s%s\n", s->budget.total, s->budget.unit[0] ? " " : "",
			s->budget.unit);
	for (int i = 0; i < s->n_levers; i++) {
		const struct lever *l = &s->levers[i];
		fprintf(out, _("lever '%s'   policy %d (%s) %s, unit cost %g, step %g, max %g\n"), l->name,
			l->policy, l->policy <= s->n_policies ? s->policies[l->policy - 1].plugin : "?",
			l->param, l->unit_cost, l->step, l->max);
	}
	print_uncertain(out, s);
	double lo, hi;
	scenario_total_bounds(s, &lo, &hi);
	fprintf(out, _("\ntotal score can range over [%g, %g]\n"), lo, hi);
	print_layers(out, s);
}
