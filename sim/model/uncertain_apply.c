#include "uncertain_apply.h"

#include <stdlib.h>
#include <string.h>

#include "scenario_schema.h"
#include "uncertain.h"

/* The values of a cell an input may set. */
enum cell_field { FIELD_PROBLEMS, FIELD_RECTIFY, FIELD_REBOUND, FIELD_ARRIVALS, FIELD_NONE };

/* One value an input sets in a replication. */
struct operation {
	int input;
	int relative;
	double base;
	const struct uncertain_key *fit;   /* the relative input's key (uncertain_scaled) */
	/* a cell's: */
	enum cell_field field;
	size_t cell;
	/* any other: */
	const struct scenario_key *key;
	int item, category;
};

struct uncertain_apply {
	const struct uncertain_set *set;
	int count;                   /* inputs */
	int capacity;                /* slots */
	double *values, *uniforms;   /* [capacity][count] */
	struct operation *cells, *others;
	int n_cells, n_others;
	int reshare;                 /* a population or the respondents vary */
	struct scenario scenario;    /* the replication's: arrays of its own, names borrowed */
	struct scenario_compiled model;
	double *population;          /* [D] for the survey's shares */
	/* setup run in every replication (NULL: ran once) */
	int (*setup)(void *context, struct scenario *s, uint64_t seed, uint64_t replication);
	void *setup_context;
	const struct scenario *before;  /* what it reads, before its inputs are set */
	struct cell *own_cells;      /* the scenario's own cells, with setup */
	/* where each cell operation writes in CAMPAIGN's blocks: its cell's
	 * values of the block's first replication (looked up once a block) */
	const struct campaign *campaign;
	struct campaign_values **cell_values; /* [n_cells] */
};

/* The cell field KEY is (FIELD_NONE: no cell key). */
static enum cell_field field_of(const struct scenario_key *key)
{
	if (!(key->flags & SCENARIO_KEY_CELL))
		return FIELD_NONE;
	const char *name = scenario_key_name(key);
	if (strcmp(name, "problems") == 0)
		return FIELD_PROBLEMS;
	if (strcmp(name, "rectify_rate") == 0)
		return FIELD_RECTIFY;
	if (strcmp(name, "rebound") == 0)
		return FIELD_REBOUND;
	if (strcmp(name, "new_per_week") == 0)
		return FIELD_ARRIVALS;
	return FIELD_NONE;
}

void uncertain_apply_variation(const struct scenario *s, struct campaign_variation *variation)
{
	size_t cells = (size_t)s->n_districts * (size_t)s->n_categories;
	memset(variation, 0, cells * sizeof *variation);
	if (s->uncertain == NULL)
		return;
	for (int k = 0; k < uncertain_count(s->uncertain); k++) {
		const struct distribution *dist = uncertain_distribution(s->uncertain, k);
		unsigned char how = dist->kind == DISTRIBUTION_DISCRETE ? CAMPAIGN_FEW : CAMPAIGN_CONTINUOUS;
		for (int t = s->uncertain_first[k]; t < s->uncertain_first[k + 1]; t++) {
			const struct uncertain_target *target = &s->uncertain_targets[t];
			size_t cell = (size_t)target->item * (size_t)s->n_categories + (size_t)target->category;
			switch (field_of(target->key)) {
			case FIELD_PROBLEMS: variation[cell].problems = how; break;
			case FIELD_RECTIFY: variation[cell].rectify_rate = how; break;
			case FIELD_REBOUND: variation[cell].rebound = how; break;
			case FIELD_ARRIVALS: variation[cell].new_per_week = how; break;
			case FIELD_NONE: break;
			}
		}
	}
}

void uncertain_apply_free(struct uncertain_apply *a)
{
	if (a == NULL)
		return;
	free(a->values);
	free(a->uniforms);
	free(a->cells);
	free(a->cell_values);
	free(a->others);
	free(a->scenario.categories);
	free(a->scenario.districts);
	free(a->scenario.materials);
	free(a->scenario.negatives);
	free(a->scenario.bonus.honors);
	free(a->scenario.pass.competitors);
	free(a->model.respondents);
	free(a->population);
	free(a->own_cells);
	free(a);
}

/* A copy of COUNT items of SIZE bytes at FROM (NULL for none); 0, or -1. */
static int copy_array(void **to, const void *from, int count, size_t size)
{
	*to = NULL;
	if (from == NULL || count <= 0)
		return 0;
	*to = malloc((size_t)count * size);
	if (*to == NULL)
		return -1;
	memcpy(*to, from, (size_t)count * size);
	return 0;
}

struct uncertain_apply *uncertain_apply_new(const struct scenario_compiled *m, int capacity)
{
	const struct scenario *s = m->scenario;
	struct uncertain_apply *a = calloc(1, sizeof *a);
	if (a == NULL)
		return NULL;
	a->set = s->uncertain;
	a->count = uncertain_count(s->uncertain);
	a->capacity = capacity;
	size_t D = (size_t)s->n_districts;
	int targets = s->uncertain_first[a->count];
	a->values = calloc((size_t)capacity * (size_t)a->count, sizeof *a->values);
	a->uniforms = calloc((size_t)capacity * (size_t)a->count, sizeof *a->uniforms);
	a->cells = calloc((size_t)(targets > 0 ? targets : 1), sizeof *a->cells);
	a->cell_values = calloc((size_t)(targets > 0 ? targets : 1), sizeof *a->cell_values);
	a->others = calloc((size_t)(targets > 0 ? targets : 1), sizeof *a->others);
	a->population = calloc(D, sizeof *a->population);
	a->scenario = *s;
	a->model = *m;
	a->model.scenario = &a->scenario;
	a->model.respondents = NULL;
	int copied = copy_array((void **)&a->scenario.categories, s->categories, s->n_categories,
				sizeof *s->categories) |
		     copy_array((void **)&a->scenario.districts, s->districts, s->n_districts,
				sizeof *s->districts) |
		     copy_array((void **)&a->scenario.materials, s->materials, s->n_materials,
				sizeof *s->materials) |
		     copy_array((void **)&a->scenario.negatives, s->negatives, s->n_negatives,
				sizeof *s->negatives) |
		     copy_array((void **)&a->scenario.bonus.honors, s->bonus.honors, s->bonus.n_honors,
				sizeof *s->bonus.honors) |
		     copy_array((void **)&a->scenario.pass.competitors, s->pass.competitors,
				s->pass.n_competitors, sizeof *s->pass.competitors) |
		     copy_array((void **)&a->model.respondents, m->respondents, (int)D + 1,
				sizeof *m->respondents);
	if (copied != 0 || !a->values || !a->uniforms || !a->cells || !a->cell_values || !a->others ||
	    !a->population) {
		uncertain_apply_free(a);
		return NULL;
	}
	for (int k = 0; k < a->count; k++) {
		int relative = uncertain_is_relative(s->uncertain, k);
		for (int t = s->uncertain_first[k]; t < s->uncertain_first[k + 1]; t++) {
			const struct uncertain_target *target = &s->uncertain_targets[t];
			struct operation op = {k,
					       relative,
					       target->base,
					       uncertain_key_of(s->uncertain, k),
					       field_of(target->key),
					       0,
					       target->key,
					       target->item,
					       target->category};
			if (op.field != FIELD_NONE) {
				op.cell = (size_t)target->item * (size_t)s->n_categories +
					  (size_t)target->category;
				a->cells[a->n_cells++] = op;
			} else {
				const char *name = scenario_key_name(target->key);
				a->reshare |= strcmp(name, "population") == 0 || strcmp(name, "respondents") == 0;
				a->others[a->n_others++] = op;
			}
		}
	}
	return a;
}

void uncertain_apply_all_vary(const struct scenario *s, struct campaign_variation *variation)
{
	size_t cells = (size_t)s->n_districts * (size_t)s->n_categories;
	for (size_t k = 0; k < cells; k++)
		variation[k] = (struct campaign_variation){CAMPAIGN_CONTINUOUS, CAMPAIGN_CONTINUOUS,
							   CAMPAIGN_CONTINUOUS, CAMPAIGN_CONTINUOUS};
}

int uncertain_apply_set_setup(struct uncertain_apply *a,
			      int (*setup)(void *context, struct scenario *s, uint64_t seed,
					   uint64_t replication),
			      void *context, const struct scenario *before)
{
	size_t cells = (size_t)before->n_districts * (size_t)before->n_categories;
	if (a->own_cells == NULL && (a->own_cells = malloc(cells * sizeof *a->own_cells)) == NULL)
		return -1;
	memcpy(a->own_cells, before->cells, cells * sizeof *a->own_cells);
	a->scenario.cells = a->own_cells;
	a->setup = setup;
	a->setup_context = context;
	a->before = before;
	a->reshare = 1; /* setup may change populations and respondents */
	return 0;
}

/* The scenario back to what setup found, before the inputs are set. */
static void reset_to_before(struct uncertain_apply *a)
{
	struct scenario *s = &a->scenario;
	const struct scenario *b = a->before;
	size_t cells = (size_t)b->n_districts * (size_t)b->n_categories;
	memcpy(s->categories, b->categories, (size_t)b->n_categories * sizeof *s->categories);
	memcpy(s->districts, b->districts, (size_t)b->n_districts * sizeof *s->districts);
	memcpy(s->cells, b->cells, cells * sizeof *s->cells);
	if (b->n_materials > 0)
		memcpy(s->materials, b->materials, (size_t)b->n_materials * sizeof *s->materials);
	if (b->n_negatives > 0)
		memcpy(s->negatives, b->negatives, (size_t)b->n_negatives * sizeof *s->negatives);
	if (b->bonus.n_honors > 0)
		memcpy(s->bonus.honors, b->bonus.honors, (size_t)b->bonus.n_honors * sizeof *s->bonus.honors);
	s->survey = b->survey;
	s->overall = b->overall;
	s->bonus.cap = b->bonus.cap;
}

/* The value OP sets under the input's draw VALUE (uncertain_scaled, inline). */
static inline double value_of(const struct uncertain_apply *a, const struct operation *op,
			      const double *value)
{
	(void)a;
	double drawn = value[op->input];
	return op->relative ? uncertain_fit(op->fit, op->base * drawn) : drawn;
}

/* With setup: the replication's scenario made whole (the inputs set, then
 * setup run), and every cell's values handed to the campaign. */
static int draw_with_setup(struct uncertain_apply *a, uint64_t seed, uint64_t index,
			   const double *value, struct campaign *c)
{
	char why[128];
	reset_to_before(a);
	for (int i = 0; i < a->n_cells; i++) {
		const struct operation *op = &a->cells[i];
		struct cell *cell = &a->scenario.cells[op->cell];
		double x = value_of(a, op, value);
		switch (op->field) {
		case FIELD_PROBLEMS: cell->problems = (int64_t)x; break;
		case FIELD_RECTIFY: cell->rectify_rate = x; break;
		case FIELD_REBOUND: cell->rebound = x; break;
		case FIELD_ARRIVALS: cell->new_per_week = x; break;
		case FIELD_NONE: break;
		}
	}
	for (int i = 0; i < a->n_others; i++) {
		const struct operation *op = &a->others[i];
		scenario_value_set(&a->scenario, op->key, op->item, op->category, value_of(a, op, value),
				   why, sizeof why);
	}
	if (a->setup(a->setup_context, &a->scenario, seed, index) != 0)
		return -1;
	size_t cells = (size_t)a->scenario.n_districts * (size_t)a->scenario.n_categories;
	for (size_t k = 0; k < cells; k++) {
		const struct cell *cell = &a->scenario.cells[k];
		*campaign_values(c, 0, k) = (struct campaign_values){cell->problems, cell->rectify_rate,
								     cell->rebound, cell->new_per_week};
	}
	return 0;
}

int uncertain_apply_draw(struct uncertain_apply *a, uint64_t seed, uint64_t index, int j,
			 struct campaign *c)
{
	double *value = &a->values[(size_t)j * (size_t)a->count];
	double *u = &a->uniforms[(size_t)j * (size_t)a->count];
	uncertain_draw(a->set, seed, index, value, u);
	if (a->setup != NULL)
		return draw_with_setup(a, seed, index, value, c);
	/* looked up again at each block's first replication: a campaign freed
	 * and another made at its address cannot leave stale pointers */
	if (j == 0 || a->campaign != c) {
		for (int i = 0; i < a->n_cells; i++)
			a->cell_values[i] = campaign_values(c, 0, a->cells[i].cell);
		a->campaign = c;
	}
	for (int i = 0; i < a->n_cells; i++) {
		const struct operation *op = &a->cells[i];
		struct campaign_values *v = a->cell_values[i] + j;
		double x = value_of(a, op, value);
		switch (op->field) {
		case FIELD_PROBLEMS: v->problems = (int64_t)x; break;
		case FIELD_RECTIFY: v->rectify_rate = x; break;
		case FIELD_REBOUND: v->rebound = x; break;
		case FIELD_ARRIVALS: v->new_per_week = x; break;
		case FIELD_NONE: break;
		}
	}
	return 0;
}

int uncertain_apply_set(struct uncertain_apply *a, int j)
{
	const double *value = &a->values[(size_t)j * (size_t)a->count];
	char why[128];
	for (int i = 0; a->setup == NULL && i < a->n_others; i++) {
		const struct operation *op = &a->others[i];
		/* the draw keeps within the key's range: the set never refuses it */
		scenario_value_set(&a->scenario, op->key, op->item, op->category, value_of(a, op, value),
				   why, sizeof why);
	}
	if (!a->reshare)
		return 0;
	int D = a->scenario.n_districts;
	for (int d = 0; d < D; d++)
		a->population[d] = a->scenario.districts[d].population;
	return scenario_largest_remainder(a->scenario.survey.respondents, a->population, D,
					  a->model.respondents);
}

const struct scenario *uncertain_apply_scenario(const struct uncertain_apply *a)
{
	return &a->scenario;
}

const struct scenario_compiled *uncertain_apply_model(const struct uncertain_apply *a)
{
	return &a->model;
}

int uncertain_apply_count(const struct uncertain_apply *a)
{
	return a->count;
}

const double *uncertain_apply_values(const struct uncertain_apply *a, int j)
{
	return &a->values[(size_t)j * (size_t)a->count];
}

const double *uncertain_apply_uniforms(const struct uncertain_apply *a, int j)
{
	return &a->uniforms[(size_t)j * (size_t)a->count];
}
