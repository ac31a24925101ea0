#include "design.h"
#include "distribution.h"
#include "i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The district-category cells a thread's group of points may hold at once
 * (each point its own scenario and workspace); past it, points run one at
 * a time. */
#define DESIGN_GROUP_CELLS (double)(1 << 22)

double design_value(const struct design_input *in, double unit)
{
	double v = in->dist != NULL ? distribution_quantile(in->dist, in->p_lo + unit * (in->p_hi - in->p_lo))
				    : in->lo + unit * (in->hi - in->lo);
	return in->integer ? round(v) : v;
}

int design_check_inputs(struct study *st, struct design_input *inputs, int k, struct diag *d)
{
	for (int i = 0; i < k; i++) {
		for (int end = 0; end < 2; end++) {
			struct parameter_setting set = {inputs[i].path, end ? inputs[i].hi : inputs[i].lo, 0, 0};
			struct study_variant v;
			if (study_prepare(st, 0, &set, 1, NULL, NULL, &v, d) != 0)
				return -1;
			inputs[i].integer = set.integer;
			study_variant_free(&v);
		}
	}
	return 0;
}

/* R's P(pass) with its Wilson interval and mean Total into OUT. */
static void point_of(const struct run_result *r, struct design_point *out)
{
	out->pass = study_pass_share(r);
	wilson_interval(r->tally->passes, r->tally->n, Z95, &out->lo, &out->hi);
	out->total_mean = r->tally->total.mean;
	out->total_sd = moments_sd(&r->tally->total, r->tally->n);
}

/* Runs prepared V with OPTIONS (no precision) into OUT; 0 or -1 with D. */
static int run_point(const struct study_variant *v, const struct run_options *options,
		     struct design_point *out, struct diag *d)
{
	struct run_options run = *options;
	run.precision = 0.0;
	struct run_result r;
	if (study_run(v, &run, &r, d) != 0)
		return -1;
	point_of(&r, out);
	run_result_free(&r);
	return 0;
}


int design_run_point(struct study *st, struct parameter_setting *settings, int k,
		     struct design_point *out, struct diag *d)
{
	struct study_variant v;
	if (study_prepare(st, 0, settings, k, NULL, NULL, &v, d) != 0)
		return -1;
	int status = run_point(&v, &st->run, out, d);
	study_variant_free(&v);
	return status;
}

int design_run_base_and_points(struct study *st, struct parameter_setting *settings, int n,
			       struct design_point *base, struct design_point *out, struct diag *d)
{
	struct study_variant *v = calloc((size_t)n + 1, sizeof *v);
	struct run_result *results = calloc((size_t)n + 1, sizeof *results);
	struct pairing *pairings = calloc((size_t)n + 1, sizeof *pairings);
	int status = 0, prepared = 0;
	if (v == NULL || results == NULL || pairings == NULL) {
		diag_no_memory(d, _("preparing the design's points"));
		status = -1;
	}
	for (int p = 0; p < n && status == 0; p++, prepared++)
		if (study_prepare(st, 0, &settings[p], 1, NULL, NULL, &v[p + 1], d) != 0)
			status = -1;
	if (status == 0) {
		struct run_options run = st->run;
		run.precision = 0.0;
		v[0] = st->base; /* borrowed: freed with the study */
		status = study_run_variants(v, n + 1, &run, results, pairings, d);
		if (status == 0) {
			point_of(&results[0], base);
			for (int p = 0; p < n; p++)
				point_of(&results[p + 1], &out[p]);
		}
		for (int p = 0; p <= n; p++)
			run_result_free(&results[p]);
	}
	for (int p = 0; p < prepared; p++)
		study_variant_free(&v[p + 1]);
	free(v);
	free(results);
	free(pairings);
	return status;
}

/* Point P's settings: the inputs at its unit values X[p][k]. */
static void settings_of(const struct design_input *inputs, int k, const double *x, int p,
			struct parameter_setting *settings)
{
	for (int i = 0; i < k; i++) {
		settings[i].path = inputs[i].path;
		settings[i].value = design_value(&inputs[i], x[(size_t)p * (size_t)k + (size_t)i]);
		settings[i].used = settings[i].integer = 0;
	}
}

/*
 * The points FIRST .. FIRST + G - 1 one at a time, as they ran before
 * groups (each prepared, then run alone): the first to fail speaks in D,
 * a preparation's failure with *PREPARING set. For a group that failed
 * only: which point fails first, and how, is then what it was point by
 * point. Returns 0 or -1.
 */
static int run_alone(struct study *st, const struct design_input *inputs, int k, const double *x,
		     int first, int g, const struct run_options *one, double *slots, int *preparing,
		     struct diag *d)
{
	for (int p = first; p < first + g; p++) {
		struct parameter_setting settings[LIMIT_INPUTS];
		settings_of(inputs, k, x, p, settings);
		struct study_variant v;
		if (study_prepare_unmarked(st, 0, settings, k, &v, d) != 0) {
			*preparing = 1;
			return -1;
		}
		struct design_point out;
		int status = run_point(&v, one, &out, d);
		study_variant_free(&v);
		if (status != 0)
			return -1;
		slots[3 * (size_t)(p - first) + 1] = out.pass;
		slots[3 * (size_t)(p - first) + 2] = out.total_mean;
	}
	return 0;
}

/*
 * The G points FIRST .. FIRST + G - 1, prepared here and run in lockstep
 * on one thread (variant 0's cells that the others draw alike are drawn
 * once, and the tables are shared: campaign_share), into SLOTS[3 g]
 * (status, P(pass), mean Total each). Each point draws what it draws
 * alone. 0, or -1 with the reasons in D as run_alone gives them.
 */
static int run_group(struct study *st, const struct design_input *inputs, int k, const double *x,
		     int first, int g, const struct run_options *one, double *slots, int *preparing,
		     struct diag *d)
{
	struct study_variant *v = calloc((size_t)g, sizeof *v);
	struct run_result *results = calloc((size_t)g, sizeof *results);
	struct pairing *pairings = calloc((size_t)g, sizeof *pairings);
	int status = v != NULL && results != NULL && pairings != NULL ? 0 : -1;
	int prepared = 0;
	struct diag mine;
	diag_init(&mine, NULL);
	for (; prepared < g && status == 0; prepared++) {
		struct parameter_setting settings[LIMIT_INPUTS];
		settings_of(inputs, k, x, first + prepared, settings);
		if (study_prepare_unmarked(st, 0, settings, k, &v[prepared], &mine) != 0)
			status = -1;
	}
	if (status == 0)
		status = study_run_variants(v, g, one, results, pairings, &mine);
	for (int j = 0; j < g && status == 0; j++) {
		slots[3 * (size_t)j + 1] = study_pass_share(&results[j]);
		slots[3 * (size_t)j + 2] = results[j].tally->total.mean;
	}
	for (int j = 0; results != NULL && j < g; j++)
		run_result_free(&results[j]);
	for (int j = 0; v != NULL && j < prepared; j++)
		study_variant_free(&v[j]);
	free(v);
	free(results);
	free(pairings);
	diag_free(&mine);
	if (status != 0) /* as point by point */
		status = run_alone(st, inputs, k, x, first, g, one, slots, preparing, d);
	for (int j = 0; j < g; j++)
		slots[3 * (size_t)j] = status;
	return status;
}

/*
 * Runs the points FIRST .. LAST-1 into MINE (status, P(pass), mean Total
 * each, from FIRST), in groups of GROUP: each group prepared and run on
 * one thread, the groups shared among the threads. 0, or -1 with the first
 * failed point's reasons in D.
 */
static int run_points(struct study *st, const struct design_input *inputs, int k, const double *x,
		      int first, int last, int group, double *mine, struct diag *d)
{
	struct run_options one = st->run;
	one.threads = 1;
	one.cluster = NULL;  /* a point runs in one process */
	one.precision = 0.0;
	int groups = (last - first) / group;
	/* the first group that failed (groups after it need not run) and why */
	int failed = groups, preparing = 0;
	struct diag why;
	diag_init(&why, NULL);
#pragma omp parallel for num_threads(st->run.threads) schedule(dynamic, 1)
	for (int g = 0; g < groups; g++) {
		int before;
#pragma omp atomic read
		before = failed;
		if (before < g)
			continue;
		struct diag mine_diag;
		int mine_preparing = 0;
		diag_init(&mine_diag, NULL);
		int status = run_group(st, inputs, k, x, first + g * group, group, &one,
				       &mine[3 * (size_t)g * (size_t)group], &mine_preparing, &mine_diag);
		if (status != 0) {
#pragma omp critical(design_failed)
			if (g < failed) {
				diag_free(&why);
				diag_init(&why, NULL);
				diag_move(&why, &mine_diag);
				preparing = mine_preparing;
#pragma omp atomic write
				failed = g;
			}
		}
		diag_free(&mine_diag);
	}
	int status = failed < groups ? -1 : 0;
	if (status != 0) {
		diag_move(d, &why);
		/* a preparation's failure names its file; a run's does not */
		st->failed_file = preparing ? st->sources[0].file : NULL;
	}
	diag_free(&why);
	return status;
}

int design_evaluate(struct study *st, const struct design_input *inputs, int k, const double *x,
		    int count, int group, double *pass, double *total, struct diag *d)
{
	struct cluster *cluster = st->run.cluster;
	int processes = cluster_size(cluster);
	int rank = cluster_rank(cluster);
	/* a group's variants are all in memory at once on each thread: a city
	 * so large that they would not fit runs its points one at a time (the
	 * same results) */
	const struct scenario *base = st->base.scenario;
	double cells = base != NULL ? (double)base->n_districts * (double)base->n_categories : 0.0;
	if (group < 1 || count % group != 0 || (double)group * cells > DESIGN_GROUP_CELLS)
		group = 1;
	/* whole groups a process */
	int groups = count / group;
	int block = (groups + processes - 1) / processes * group;
	int first = rank * block < count ? rank * block : count;
	int last = first + block < count ? first + block : count;
	/* this process's points: status, P(pass) and mean Total each */
	double *mine = calloc(3 * (size_t)(block > 0 ? block : 1), sizeof *mine);
	double *all = calloc(3 * (size_t)(block > 0 ? block : 1) * (size_t)processes, sizeof *all);
	int status = 0;
	if (mine == NULL || all == NULL) {
		diag_no_memory(d, _("preparing the design's points"));
		status = -1;
	} else {
		status = run_points(st, inputs, k, x, first, last, group, mine, d);
	}
	/* every process's points (one process: its own); a failure's kind
	 * travels as the cluster's status */
	char message[1024], why[1024] = "";
	for (int i = 0; i < d->count && status != 0 && why[0] == '\0'; i++)
		if (d->entries[i].kind != DIAG_WARNING)
			diag_format(d, &d->entries[i], why, sizeof why);
	enum diag_kind worst = diag_worst(d);
	int mine_status = status == 0 ? 0 : cluster_status_of(worst > DIAG_INPUT ? worst : DIAG_INPUT);
	int agreed = cluster_agree(cluster, mine_status, why, message, sizeof message);
	if (agreed != 0 && status == 0) {
		diag_add_at(d, cluster_kind_of(agreed), "ccsim", 0, "%s", message);
		status = -1;
	}
	if (status == 0)
		cluster_share(cluster, mine, 3 * (size_t)block * sizeof *mine, all);
	for (int p = 0; p < count && status == 0; p++) {
		pass[p] = all[3 * (size_t)p + 1];
		total[p] = all[3 * (size_t)p + 2];
	}
	free(mine);
	free(all);
	return status;
}
