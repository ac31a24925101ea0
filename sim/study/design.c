#include "design.h"
#include "distribution.h"
#include "i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Points prepared ahead of a parallel run, per thread: enough to keep the
 * threads busy, few enough that the prepared variants stay small. */
#define DESIGN_BATCH_PER_THREAD 2

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

/* One point of a batch: its variant, and what its run gave or why it failed. */
struct slot {
	struct study_variant variant;
	struct design_point result;
	struct diag diag;
	int status;
};

/*
 * Runs the points FIRST .. LAST-1 into MINE (status, P(pass), mean Total
 * each, from FIRST): prepared here a batch at a time, run in parallel. 0, or
 * -1 with the first failed point's reasons in D.
 */
static int run_points(struct study *st, const struct design_input *inputs, int k, const double *x,
		      int first, int last, double *mine, struct diag *d)
{
	struct run_options one = st->run;
	one.threads = 1;
	one.cluster = NULL;  /* a point runs in one process */
	int batch = DESIGN_BATCH_PER_THREAD * st->run.threads;
	struct slot *slots = calloc((size_t)batch, sizeof *slots);
	if (slots == NULL) {
		diag_no_memory(d, _("preparing the design's points"));
		return -1;
	}
	int status = 0;
	for (int start = first; start < last && status == 0; start += batch) {
		int end = start + batch < last ? start + batch : last;
		/* prepared here: nothing is read or set up on the workers */
		int prepared = 0;
		struct diag failed;
		diag_init(&failed, NULL);
		for (int p = start; p < end; p++, prepared++) {
			struct parameter_setting settings[LIMIT_INPUTS];
			for (int i = 0; i < k; i++) {
				settings[i].path = inputs[i].path;
				settings[i].value = design_value(&inputs[i], x[(size_t)p * (size_t)k + (size_t)i]);
				settings[i].used = settings[i].integer = 0;
			}
			if (study_prepare(st, 0, settings, k, NULL, NULL, &slots[p - start].variant,
					  &failed) != 0)
				break;
		}
#pragma omp parallel for num_threads(st->run.threads) schedule(dynamic, 1)
		for (int j = 0; j < prepared; j++) {
			diag_init(&slots[j].diag, NULL);
			slots[j].status = run_point(&slots[j].variant, &one, &slots[j].result, &slots[j].diag);
		}
		/* the first failed point speaks: a run's failure before a later
		 * point's preparation is a run's, not a preparation's */
		for (int j = 0; j < prepared; j++) {
			if (status == 0 && slots[j].status != 0) {
				diag_move(d, &slots[j].diag);
				st->failed_file = NULL;
				status = -1;
			}
			double *slot = &mine[3 * (size_t)(start + j - first)];
			slot[0] = slots[j].status;
			slot[1] = slots[j].result.pass;
			slot[2] = slots[j].result.total_mean;
			diag_free(&slots[j].diag);
			study_variant_free(&slots[j].variant);
		}
		if (status == 0 && prepared < end - start) {
			diag_move(d, &failed);
			status = -1;
		}
		diag_free(&failed);
	}
	free(slots);
	return status;
}

int design_evaluate(struct study *st, const struct design_input *inputs, int k, const double *x,
		    int count, double *pass, double *total, struct diag *d)
{
	struct cluster *cluster = st->run.cluster;
	int processes = cluster_size(cluster);
	int rank = cluster_rank(cluster);
	int block = (count + processes - 1) / processes;
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
		status = run_points(st, inputs, k, x, first, last, mine, d);
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
