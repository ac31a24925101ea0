#include "replication.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "sample.h"
#include "uncertain_apply.h"

const char *const replication_component_names[COMPONENT_COUNT] = {
	"field", "materials", "survey", "overall", "bonus", "negative", "minors", "satisfaction"};

struct replication_workspace {
	struct outcome outcome;
	struct campaign *campaign;        /* the weekly dynamics of a block of replications */
	/* the block the campaign holds: replications first .. first + count - 1 of seed */
	uint64_t block_seed, block_first;
	int block_count;
	int current;                      /* the running replication's index in the block */
	/* the replications expected next (replication_expect): first .. last - 1 */
	uint64_t expect_seed, expect_first, expect_last;
	int *batch_week;                  /* [block * B + b]: tau_b */
	struct rng *inspection;           /* [block]: each one's stream after its tau_b */
	struct draw_set draws;
	uint64_t *picked;                 /* room for the largest draw */
	double *ranked;                   /* [D]: the ranked districts' values, sorted */
	replication_week_hook_fn hook;
	void *hook_context;
	struct inversion_tables *tables;  /* the run's, shared */
	const struct scenario_compiled *model; /* what follows from the scenario, read-only */
	struct scenario_compiled *owned;  /* the model when the workspace compiled it itself */
	/* the scenario's uncertain inputs (NULL: none): each replication runs on
	 * its own values, and model is the inputs' */
	struct uncertain_apply *uncertain;
	int setup_each;                   /* setup runs in every replication: one at a time */
};

void replication_set_week_hook(struct replication_workspace *w, replication_week_hook_fn hook, void *context)
{
	w->hook = hook;
	w->hook_context = context;
}

int replication_set_setup_hook(struct replication_workspace *w,
			       int (*setup)(void *context, struct scenario *s, uint64_t seed,
					    uint64_t replication),
			       void *context, const struct scenario *before)
{
	if (w->uncertain == NULL)
		return 0; /* no uncertain inputs: setup ran once, for every replication */
	/* every cell's values now follow each replication's setup */
	const struct scenario *s = w->model->scenario;
	size_t cells = (size_t)s->n_districts * (size_t)s->n_categories;
	struct campaign_variation *variation = calloc(cells, sizeof *variation);
	if (variation == NULL)
		return -1;
	uncertain_apply_all_vary(s, variation);
	struct campaign *c = campaign_new_varying(s, w->tables, variation);
	free(variation);
	if (c == NULL || uncertain_apply_set_setup(w->uncertain, setup, context, before) != 0) {
		campaign_free(c);
		return -1;
	}
	campaign_free(w->campaign);
	w->campaign = c; /* its capacity no more than before: the block arrays fit */
	w->block_count = 0;
	w->setup_each = 1;
	return 0;
}

int replication_share(struct replication_workspace *w, struct replication_workspace *donor)
{
	if (w->hook != NULL || donor->hook != NULL || w->setup_each || donor->setup_each)
		return 0;
	return campaign_share(w->campaign, w->model->scenario, donor->campaign,
			      donor->model->scenario);
}

void replication_workspace_free(struct replication_workspace *w)
{
	if (w == NULL)
		return;
	free(w->outcome.district_points_lost);
	free(w->outcome.district_sites);
	free(w->outcome.district_rank_last);
	free(w->outcome.district_rank_bottom);
	free(w->ranked);
	free(w->outcome.category_points_lost);
	campaign_free(w->campaign);
	free(w->batch_week);
	free(w->inspection);
	sample_draw_set_free(&w->draws);
	free(w->picked);
	uncertain_apply_free(w->uncertain);
	scenario_compiled_free(w->owned);
	free(w);
}

struct replication_workspace *replication_workspace_new(const struct scenario *s,
							struct inversion_tables *tables)
{
	struct diag d;
	diag_init(&d, "");
	struct scenario_compiled *m = scenario_compile(s, &d);
	diag_free(&d);
	struct replication_workspace *w = m ? replication_workspace_new_compiled(m, tables) : NULL;
	if (w == NULL) {
		scenario_compiled_free(m);
		return NULL;
	}
	w->owned = m;
	return w;
}

struct replication_workspace *replication_workspace_new_compiled(const struct scenario_compiled *m,
								 struct inversion_tables *tables)
{
	const struct scenario *s = m->scenario;
	size_t D = (size_t)s->n_districts, C = (size_t)s->n_categories;
	struct replication_workspace *w = calloc(1, sizeof *w);
	if (w == NULL)
		return NULL;
	w->model = m;

	/* The largest number of sites one category draws from one pool. */
	uint64_t most = 1;
	for (size_t c = 0; c < C; c++) {
		const struct category *k = &s->categories[c];
		uint64_t declared = (uint64_t)m->declared_before[c * (D + 1) + D];
		uint64_t undeclared = (uint64_t)m->undeclared_before[c * (D + 1) + D];
		uint64_t a = (uint64_t)k->lottery < declared ? (uint64_t)k->lottery : declared;
		uint64_t b = (uint64_t)k->random_view < undeclared ? (uint64_t)k->random_view : undeclared;
		if (a > most)
			most = a;
		if (b > most)
			most = b;
	}

	w->outcome.district_points_lost = calloc(D, sizeof(double));
	w->outcome.district_sites = calloc(D, sizeof(double));
	w->outcome.district_rank_last = calloc(D, sizeof(double));
	w->outcome.district_rank_bottom = calloc(D, sizeof(double));
	w->ranked = calloc(D, sizeof(double));
	w->outcome.category_points_lost = calloc(C, sizeof(double));
	if (s->uncertain != NULL) {
		/* cells whose values the inputs draw anew in each replication */
		struct campaign_variation *variation = calloc(D * C, sizeof *variation);
		if (variation != NULL) {
			uncertain_apply_variation(s, variation);
			w->campaign = campaign_new_varying(s, tables, variation);
		}
		free(variation);
	} else {
		w->campaign = campaign_new(s, tables);
	}
	size_t block = w->campaign != NULL ? (size_t)campaign_capacity(w->campaign) : 1;
	if (s->uncertain != NULL && w->campaign != NULL) {
		w->uncertain = uncertain_apply_new(m, (int)block);
		if (w->uncertain == NULL) {
			replication_workspace_free(w);
			return NULL;
		}
		w->model = uncertain_apply_model(w->uncertain);
	}
	w->batch_week = calloc(block * (size_t)s->batches, sizeof *w->batch_week);
	w->inspection = calloc(block, sizeof *w->inspection);
	w->picked = calloc(most, sizeof *w->picked);
	w->tables = tables;
	if (!w->outcome.district_points_lost || !w->outcome.district_sites ||
	    !w->outcome.district_rank_last || !w->outcome.district_rank_bottom || !w->ranked ||
	    !w->outcome.category_points_lost ||
	    !w->campaign || !w->batch_week || !w->inspection || !w->picked) {
		replication_workspace_free(w);
		return NULL;
	}
	return w;
}

const struct outcome *replication_outcome(const struct replication_workspace *w)
{
	return &w->outcome;
}

void replication_expect(struct replication_workspace *w, uint64_t seed, uint64_t first,
			uint64_t last)
{
	w->expect_seed = seed;
	w->expect_first = first;
	w->expect_last = last;
}

/* Draws the inspection dates of replication INDEX into slot J (the
 * campaign records O at them), keeping its inspection stream. */
static void draw_dates(const struct scenario *s, uint64_t seed, uint64_t index, int j,
		       struct replication_workspace *w)
{
	struct rng *inspection = &w->inspection[j];
	rng_init(inspection, seed, index, RNG_SUBSTREAM_INSPECTION);
	for (int b = 0; b < s->batches; b++)
		w->batch_week[(size_t)j * (size_t)s->batches + (size_t)b] =
			(int)sample_uniform_int(inspection, s->window_first, s->window_last);
}

/*
 * Weekly dynamics (3.1) of replication INDEX, looked up in the block, which
 * is run first when it does not hold INDEX (up to the expected
 * replications' end; with week hooks a hooked block, of one replication
 * when setup runs in each). Sets w->current; returns a status.
 */
static int run_campaign(const struct scenario *s, uint64_t seed, uint64_t index,
			struct replication_workspace *w)
{
	if (w->block_count == 0 || seed != w->block_seed || index < w->block_first ||
	    index - w->block_first >= (uint64_t)w->block_count) {
		uint64_t count = 1;
		if (seed == w->expect_seed && index >= w->expect_first && index < w->expect_last)
			count = w->expect_last - index;
		int block = w->setup_each	 ? 1
			    : w->hook != NULL ? campaign_hooked_capacity(w->campaign)
					      : campaign_capacity(w->campaign);
		if (count > (uint64_t)block)
			count = (uint64_t)block;
		w->block_count = 0;
		for (int j = 0; j < (int)count; j++) {
			draw_dates(s, seed, index + (uint64_t)j, j, w);
			if (w->uncertain != NULL &&
			    uncertain_apply_draw(w->uncertain, seed, index + (uint64_t)j, j, w->campaign) != 0)
				return REPLICATION_HOOK_FAILED;
		}
		if (w->hook != NULL) {
			int status = campaign_run_hooked(w->campaign, s, seed, index, (int)count,
							 w->batch_week, w->hook, w->hook_context);
			if (status == CAMPAIGN_NO_MEMORY)
				return REPLICATION_NO_MEMORY;
			/* a hook stopped: the replications before the first to
			 * stop are done; that one stops again when asked for,
			 * first of its own block (its hook's error is its own) */
			if (status != CAMPAIGN_OK)
				count = (uint64_t)campaign_hooked_done(w->campaign);
			if (count == 0)
				return REPLICATION_HOOK_FAILED;
		} else {
			campaign_run_block(w->campaign, s, seed, index, (int)count, w->batch_week);
		}
		w->block_seed = seed;
		w->block_first = index;
		w->block_count = (int)count;
	}
	w->current = (int)(index - w->block_first);
	return REPLICATION_OK;
}

/* The district holding site INDEX of a pool whose per-district starts are BEFORE[0..D]. */
static int district_of(const int64_t *before, int n_districts, uint64_t index)
{
	int lo = 0, hi = n_districts - 1;
	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;
		if ((uint64_t)before[mid] <= index)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/*
 * Inspects the sites PICKED (indices into the pool BEFORE) of category C in
 * batch B and returns the sum of their q_s; charges each site's lost points.
 */
static double inspect_sites(const struct scenario *s, struct replication_workspace *w,
			    struct rng *r, int b, int c, const int64_t *before, int64_t n_picked,
			    double factor, double charge)
{
	const struct category *category = &s->categories[c];
	struct outcome *o = &w->outcome;
	double kept = 0.0;
	for (int64_t i = 0; i < n_picked; i++) {
		int d = district_of(before, s->n_districts, w->picked[i]);
		size_t k = (size_t)d * (size_t)s->n_categories + (size_t)c;
		double mu = (double)campaign_open(w->campaign, w->current, b, k) /
			    (double)s->cells[k].sites * factor;
		int64_t problems = sample_poisson(r, mu);
		double q = fmax(0.0, 1.0 - category->deduction * (double)problems);
		kept += q;
		o->district_points_lost[d] += (1.0 - q) * charge;
		o->category_points_lost[c] += (1.0 - q) * charge;
		o->district_sites[d] += 1.0;
	}
	return kept;
}

/* Field inspection over all batches (3.2) into *FIELD; returns a status. */
static int run_inspection(const struct scenario *s, struct rng *r, struct replication_workspace *w,
			  double *field)
{
	size_t D = (size_t)s->n_districts;
	double total = 0.0;
	for (int b = 0; b < s->batches; b++) {
		for (int c = 0; c < s->n_categories; c++) {
			const struct category *category = &s->categories[c];
			const int64_t *declared = &w->model->declared_before[(size_t)c * (D + 1)];
			const int64_t *undeclared = &w->model->undeclared_before[(size_t)c * (D + 1)];
			uint64_t pool_declared = (uint64_t)declared[D];
			uint64_t pool_undeclared = (uint64_t)undeclared[D];
			uint64_t k = (uint64_t)category->lottery, m = (uint64_t)category->random_view;
			uint64_t inspected = (k < pool_declared ? k : pool_declared) +
					     (m < pool_undeclared ? m : pool_undeclared);
			if (inspected == 0)
				continue; /* weight 0: validation saw to it */
			double charge = category->weight / (double)inspected / (double)s->batches;
			double kept = 0.0;

			int64_t n = sample_without_replacement(r, pool_declared, k, &w->draws, w->picked);
			if (n < 0)
				return REPLICATION_NO_MEMORY;
			kept += inspect_sites(s, w, r, b, c, declared, n, category->prepared, charge);
			n = sample_without_replacement(r, pool_undeclared, m, &w->draws, w->picked);
			if (n < 0)
				return REPLICATION_NO_MEMORY;
			kept += inspect_sites(s, w, r, b, c, undeclared, n, 1.0, charge);
			total += category->weight * kept / (double)inspected;
		}
	}
	*field = total / (double)s->batches;
	return 0;
}

static int descending(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x < y) - (x > y);
}

/*
 * SHARE[d] of the bottom K places for each district (docs/model.md 3.10):
 * with t the K-th largest of the ranked VALUE (SORTED: those values in
 * descending order, N of them), 1 for a value above t, (K - above) / m for
 * each of the m values equal to t, 0 below; every ranked district 1 when
 * fewer than K are ranked.
 */
static void rank_share(const double *value, const double *sites, int D, const double *sorted, int n,
		       int64_t k, double *share)
{
	double t = n > 0 && k <= n ? sorted[k - 1] : -1.0;
	int above = 0, tied = 0;
	for (int i = 0; i < n; i++) {
		above += sorted[i] > t;
		tied += sorted[i] == t;
	}
	for (int d = 0; d < D; d++) {
		if (sites[d] == 0.0)
			share[d] = 0.0;
		else if (k > n || value[d] > t)
			share[d] = 1.0;
		else if (value[d] == t)
			share[d] = (double)(k - above) / tied;
		else
			share[d] = 0.0;
	}
}

/* The districts' shares of the last place and of the bottom k, by the scenario's rule. */
static void rank_districts(const struct scenario *s, struct replication_workspace *w)
{
	struct outcome *o = &w->outcome;
	int D = s->n_districts, n = 0;
	/* a district's value: kept in district_rank_bottom until the shares overwrite it */
	double *value = o->district_rank_bottom;
	for (int d = 0; d < D; d++) {
		value[d] = s->ranking.by == RANKING_PER_SITE && o->district_sites[d] > 0.0
				   ? o->district_points_lost[d] / o->district_sites[d]
				   : o->district_points_lost[d];
		if (o->district_sites[d] > 0.0)
			w->ranked[n++] = value[d];
	}
	qsort(w->ranked, (size_t)n, sizeof *w->ranked, descending);
	rank_share(value, o->district_sites, D, w->ranked, n, 1, o->district_rank_last);
	rank_share(value, o->district_sites, D, w->ranked, n, s->ranking.bottom, value);
}

static double run_materials(const struct scenario *s, struct rng *r)
{
	double points = 0.0;
	for (int g = 0; g < s->n_materials; g++) {
		const struct material *m = &s->materials[g];
		int64_t lost = sample_binomial(r, m->items, m->loss_probability);
		points += m->points * (double)(m->items - lost);
	}
	return points;
}

/* Returns Satisfaction in [0, 100] (3.4). */
static double run_survey(const struct scenario *s, const struct scenario_compiled *m, struct rng *r)
{
	int64_t satisfied = 0;
	for (int d = 0; d < s->n_districts; d++) {
		const struct district *di = &s->districts[d];
		double theta = di->satisfaction;
		if (di->satisfaction_concentration > 0.0)
			theta = sample_beta(r, di->satisfaction * di->satisfaction_concentration,
					    (1.0 - di->satisfaction) * di->satisfaction_concentration);
		satisfied += sample_binomial(r, m->respondents[d], theta);
	}
	return 100.0 * (double)satisfied / (double)s->survey.respondents;
}

static double clamp(double x, double lo, double hi)
{
	return x < lo ? lo : (x > hi ? hi : x);
}

int replication_run(const struct scenario *s, uint64_t seed, uint64_t index,
		    struct replication_workspace *w)
{
	struct outcome *o = &w->outcome;
	struct rng r;
	double *component = o->component;

	memset(o->district_points_lost, 0, (size_t)s->n_districts * sizeof(double));
	memset(o->district_sites, 0, (size_t)s->n_districts * sizeof(double));
	memset(o->category_points_lost, 0, (size_t)s->n_categories * sizeof(double));

	/* The inspection dates first: the campaign records O at them. */
	int status = run_campaign(s, seed, index, w);
	if (status != REPLICATION_OK)
		return status;
	if (w->uncertain != NULL) {
		/* the rest of the replication runs on its inputs' values */
		if (uncertain_apply_set(w->uncertain, w->current) != 0)
			return REPLICATION_NO_MEMORY;
		s = uncertain_apply_scenario(w->uncertain);
		o->n_uncertain = uncertain_apply_count(w->uncertain);
		o->uncertain_value = uncertain_apply_values(w->uncertain, w->current);
		o->uncertain_u = uncertain_apply_uniforms(w->uncertain, w->current);
	}
	o->rectification = campaign_rectification(w->campaign, w->current);
	struct rng inspection = w->inspection[w->current];
	status = run_inspection(s, &inspection, w, &component[COMPONENT_FIELD]);
	if (status != REPLICATION_OK)
		return status;
	rank_districts(s, w);

	rng_init(&r, seed, index, RNG_SUBSTREAM_MATERIALS);
	component[COMPONENT_MATERIALS] = run_materials(s, &r);

	rng_init(&r, seed, index, RNG_SUBSTREAM_SURVEY);
	double satisfaction = run_survey(s, w->model, &r);
	component[COMPONENT_SATISFACTION] = satisfaction;
	component[COMPONENT_SURVEY] = s->survey.weight * satisfaction / 100.0;
	o->survey_veto = satisfaction < s->survey.veto_below;

	component[COMPONENT_OVERALL] = 0.0;
	if (s->overall.weight > 0.0) {
		rng_init(&r, seed, index, RNG_SUBSTREAM_OVERALL);
		double e = s->overall.mean + s->overall.noise_sd * sample_normal(&r);
		component[COMPONENT_OVERALL] =
			s->overall.weight * clamp(component[COMPONENT_FIELD] / w->model->field_weight + e, 0.0, 1.0);
	}

	rng_init(&r, seed, index, RNG_SUBSTREAM_NEGATIVE);
	double deducted = 0.0;
	o->negative_veto = 0;
	for (int i = 0; i < s->n_negatives; i++) {
		if (sample_bernoulli(&r, s->negatives[i].probability)) {
			deducted += s->negatives[i].deduct;
			o->negative_veto |= s->negatives[i].veto;
		}
	}
	component[COMPONENT_NEGATIVE] = deducted;

	rng_init(&r, seed, index, RNG_SUBSTREAM_BONUS);
	double honours = 0.0;
	for (int i = 0; i < s->bonus.n_honors; i++)
		if (sample_bernoulli(&r, s->bonus.honors[i].probability))
			honours += s->bonus.honors[i].points;
	component[COMPONENT_BONUS] = fmin(s->bonus.cap, honours);

	o->city = component[COMPONENT_FIELD] + component[COMPONENT_MATERIALS] +
		  component[COMPONENT_SURVEY] + component[COMPONENT_OVERALL] +
		  component[COMPONENT_BONUS] - component[COMPONENT_NEGATIVE];

	component[COMPONENT_MINORS] = 0.0;
	o->minors_veto = 0;
	o->year = o->city;
	if (s->minors.present) {
		rng_init(&r, seed, index, RNG_SUBSTREAM_MINORS);
		double minors = clamp(s->minors.mean + s->minors.sd * sample_normal(&r), 0.0, 100.0);
		component[COMPONENT_MINORS] = minors;
		o->minors_veto = minors < s->minors.minimum;
		o->year = (1.0 - s->minors.weight) * o->city + s->minors.weight * minors;
	}

	o->total = o->year;
	if (s->history.present) {
		double total = 0.0;
		for (int i = 0; i < s->history.n; i++)
			total += s->history.weights[i] * s->history.scores[i];
		o->total = total + s->history.current_weight * o->year;
	}

	int veto = o->survey_veto || o->negative_veto || o->minors_veto;
	o->below_threshold = 0;
	o->outranked = 0;
	if (s->pass.rule == PASS_THRESHOLD) {
		o->below_threshold = o->total < s->pass.threshold;
	} else {
		rng_init(&r, seed, index, RNG_SUBSTREAM_COMPETITION);
		int64_t above = 0;
		for (int j = 0; j < s->pass.n_competitors; j++) {
			const struct competitor *rival = &s->pass.competitors[j];
			if (rival->mean + rival->sd * sample_normal(&r) > o->total)
				above++;
		}
		o->outranked = above >= s->pass.slots;
	}
	o->pass = !veto && !o->below_threshold && !o->outranked;
	return REPLICATION_OK;
}
