#include "runner.h"

#include "i18n.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replication.h"

/* One thread's state for one variant. */
struct lane {
	struct replication_workspace *workspace;
	struct histogram *histogram;
	const struct week_hooks *hooks;
	void *hook_thread;          /* the hooks' state for this thread */
};

/* Why a run failed: one diag entry in a fixed size, as it travels from a
 * thread or another process to the caller. */
struct run_failure {
	int32_t kind;            /* enum diag_kind */
	int32_t line;
	char plugin[128], hook[32], file[512];
	char message[1024];
};

/* A chunk in flight: per variant its tally and pairing, and why it failed
 * (FAILURE is written only then: the run's failures are apart, untouched
 * unless a chunk fails or the chunks travel between processes). */
struct pending_chunk {
	struct tally **tallies;
	struct pairing *pairings;
	unsigned char *passes;   /* with options->passes: [v * RUNNER_CHUNK + k] */
	double *totals;          /* with options->totals: [v * RUNNER_CHUNK + k] */
	int status;
	int interrupted;         /* stopped before the chunk's end */
	struct run_failure *failure;
};

/* Keeps the first entry of FROM in F; " (replication N)" follows its
 * message when REPLICATION is not negative. */
static void failure_take(struct run_failure *f, const struct diag *from, int64_t replication)
{
	memset(f, 0, sizeof *f);
	f->kind = DIAG_NO_MEMORY;
	snprintf(f->message, sizeof f->message, "out of memory while reporting an error");
	if (from->count == 0)
		return;
	const struct diag_entry *e = &from->entries[0];
	f->kind = (int32_t)e->kind;
	f->line = e->line;
	snprintf(f->plugin, sizeof f->plugin, "%s", e->plugin ? e->plugin : "");
	snprintf(f->hook, sizeof f->hook, "%s", e->hook ? e->hook : "");
	snprintf(f->file, sizeof f->file, "%s", e->file ? e->file : "");
	if (replication >= 0)
		snprintf(f->message, sizeof f->message, "%.900s (replication %lld)", e->message,
			 (long long)replication);
	else
		snprintf(f->message, sizeof f->message, "%s", e->message);
}

/* F as an entry of D (printed as it is when it has no file). */
static void failure_report(const struct run_failure *f, struct diag *d)
{
	if (f->plugin[0] != '\0')
		diag_add_plugin(d, f->plugin, f->hook, f->file[0] ? f->file : NULL, f->line, "%s",
				f->message);
	else
		diag_add_at(d, (enum diag_kind)f->kind, f->file, f->line, "%s", f->message);
}

/* The run status an entry of KIND stands for. */
static int failure_status(enum diag_kind kind)
{
	return kind == DIAG_NO_MEMORY ? RUN_NO_MEMORY : RUN_PLUGIN_FAILED;
}

/* A failure of the run itself (not of a hook) at once into D. */
static int run_out_of_memory(struct diag *d, const char *what, const char *name)
{
	char phrase[300];
	snprintf(phrase, sizeof phrase, "%s%.200s", what, name);
	diag_add_at(d, DIAG_NO_MEMORY, "", 0, _("out of memory while %s"), phrase);
	return RUN_NO_MEMORY;
}

void run_result_free(struct run_result *r)
{
	tally_free(r->tally);
	histogram_free(r->histogram);
	r->tally = NULL;
	r->histogram = NULL;
}

double pairing_half_width(const struct moments *m, int64_t n)
{
	return n > 1 ? Z95 * moments_sd(m, n) / sqrt((double)n) : INFINITY;
}

static void pairing_add(struct pairing *p, const struct outcome *variant, const struct outcome *first)
{
	p->n++;
	p->only_variant += variant->pass && !first->pass;
	p->only_first += first->pass && !variant->pass;
	moments_push(&p->pass_difference, p->n, (double)(variant->pass - first->pass));
	moments_push(&p->total_difference, p->n, variant->total - first->total);
}

void pairing_merge(struct pairing *into, const struct pairing *from)
{
	moments_merge(&into->pass_difference, into->n, &from->pass_difference, from->n);
	moments_merge(&into->total_difference, into->n, &from->total_difference, from->n);
	into->n += from->n;
	into->only_variant += from->only_variant;
	into->only_first += from->only_first;
}

/* Runs the replications of chunk CHUNK of every variant into SLOT. */
static void run_chunk(const struct run_variant *variants, int n, const struct run_options *options,
		      int64_t chunk, struct lane *lanes, struct pending_chunk *slot)
{
	int64_t first = (int64_t)options->first + chunk * RUNNER_CHUNK;
	int64_t last = first + RUNNER_CHUNK;
	if (last > (int64_t)options->first + options->replications)
		last = (int64_t)options->first + options->replications;
	for (int v = 0; v < n; v++) {
		tally_reset(slot->tallies[v]);
		memset(&slot->pairings[v], 0, sizeof slot->pairings[v]);
	}
	if (slot->passes != NULL)
		memset(slot->passes, 0, (size_t)n * RUNNER_CHUNK);
	if (slot->totals != NULL)
		memset(slot->totals, 0, (size_t)n * RUNNER_CHUNK * sizeof *slot->totals);
	slot->status = RUN_OK;
	slot->interrupted = 0;
	for (int v = 0; v < n; v++)
		replication_expect(lanes[v].workspace, options->seed, (uint64_t)first, (uint64_t)last);
	for (int64_t i = first; i < last; i++) {
		if (options->stop != NULL && *options->stop) {
			slot->interrupted = 1;
			return;
		}
		for (int v = 0; v < n; v++) {
			const struct scenario *s = variants[v].scenario;
			int status = replication_run(s, options->seed, (uint64_t)i, lanes[v].workspace);
			if (status == REPLICATION_HOOK_FAILED) {
				struct diag why;
				diag_init(&why, NULL);
				lanes[v].hooks->thread_error(lanes[v].hook_thread, &why);
				failure_take(slot->failure, &why, i);
				slot->status = failure_status((enum diag_kind)slot->failure->kind);
				diag_free(&why);
				return;
			}
			if (status != REPLICATION_OK) {
				slot->status = RUN_NO_MEMORY;
				memset(slot->failure, 0, sizeof *slot->failure);
				slot->failure->kind = DIAG_NO_MEMORY;
				snprintf(slot->failure->message, sizeof slot->failure->message,
					 "out of memory while simulating %.200s", s->name);
				return;
			}
			const struct outcome *o = replication_outcome(lanes[v].workspace);
			tally_add(slot->tallies[v], s, o);
			if (slot->passes != NULL)
				slot->passes[(size_t)v * RUNNER_CHUNK + (size_t)(i - first)] = o->pass != 0;
			if (slot->totals != NULL)
				slot->totals[(size_t)v * RUNNER_CHUNK + (size_t)(i - first)] = o->total;
			histogram_add(lanes[v].histogram, o->total);
		}
		const struct outcome *base = replication_outcome(lanes[0].workspace);
		for (int v = 1; v < n; v++)
			pairing_add(&slot->pairings[v], replication_outcome(lanes[v].workspace), base);
	}
}

/* Chunk CHUNK's passes and Totals into the caller's options->passes and ->totals. */
static void copy_records(const struct run_options *options, int n, int64_t chunk,
			 const struct pending_chunk *slot)
{
	int64_t from = chunk * RUNNER_CHUNK;
	int64_t count = options->replications - from < RUNNER_CHUNK ? options->replications - from
								      : RUNNER_CHUNK;
	for (int v = 0; v < n; v++) {
		size_t at = (size_t)v * (size_t)options->replications + (size_t)from;
		if (options->passes != NULL)
			memcpy(&options->passes[at], &slot->passes[(size_t)v * RUNNER_CHUNK], (size_t)count);
		if (options->totals != NULL)
			memcpy(&options->totals[at], &slot->totals[(size_t)v * RUNNER_CHUNK],
			       (size_t)count * sizeof *options->totals);
	}
}

/* The processes' share of the work: which chunks of a round are whose. */
struct share {
	struct cluster *cluster;
	int rank, size;
	size_t chunk_bytes;       /* one packed chunk */
	unsigned char *mine, *all;/* packed chunks: this process's, everyone's */
	size_t *sizes;            /* [size]: bytes each process gives this round */
};

/* Chunks of a round of IN_ROUND that process RANK of SIZE runs: RANK, RANK + SIZE, ... */
static int chunks_of(int rank, int size, int in_round)
{
	return rank < in_round ? (in_round - rank + size - 1) / size : 0;
}

static void chunk_pack(const struct pending_chunk *slot, int n, unsigned char *out)
{
	int32_t flags[2] = {slot->status, slot->interrupted};
	memcpy(out, flags, sizeof flags);
	out += sizeof flags;
	if (slot->status != RUN_OK)
		memcpy(out, slot->failure, sizeof *slot->failure);
	else
		memset(out, 0, sizeof *slot->failure);
	out += sizeof *slot->failure;
	for (int v = 0; v < n; v++) {
		tally_pack(slot->tallies[v], out);
		out += tally_packed_size(slot->tallies[v]);
		memcpy(out, &slot->pairings[v], sizeof slot->pairings[v]);
		out += sizeof slot->pairings[v];
	}
	if (slot->passes != NULL)
		memcpy(out, slot->passes, (size_t)n * RUNNER_CHUNK);
	if (slot->totals != NULL)
		memcpy(out + (slot->passes != NULL ? (size_t)n * RUNNER_CHUNK : 0), slot->totals,
		       (size_t)n * RUNNER_CHUNK * sizeof *slot->totals);
}

static void chunk_unpack(struct pending_chunk *slot, int n, const unsigned char *in)
{
	int32_t flags[2];
	memcpy(flags, in, sizeof flags);
	slot->status = flags[0];
	slot->interrupted = flags[1];
	in += sizeof flags;
	struct run_failure *f = slot->failure;
	memcpy(f, in, sizeof *f);
	f->plugin[sizeof f->plugin - 1] = '\0';
	f->hook[sizeof f->hook - 1] = '\0';
	f->file[sizeof f->file - 1] = '\0';
	f->message[sizeof f->message - 1] = '\0';
	in += sizeof *f;
	for (int v = 0; v < n; v++) {
		tally_unpack(slot->tallies[v], in);
		in += tally_packed_size(slot->tallies[v]);
		memcpy(&slot->pairings[v], in, sizeof slot->pairings[v]);
		in += sizeof slot->pairings[v];
	}
	if (slot->passes != NULL)
		memcpy(slot->passes, in, (size_t)n * RUNNER_CHUNK);
	if (slot->totals != NULL)
		memcpy(slot->totals, in + (slot->passes != NULL ? (size_t)n * RUNNER_CHUNK : 0),
		       (size_t)n * RUNNER_CHUNK * sizeof *slot->totals);
}

/* Sizes the exchange of rounds of ROUND chunks of N variants; status. */
static int share_start(struct share *sh, struct cluster *cluster, const struct pending_chunk *sample,
		       int n, int round)
{
	sh->chunk_bytes = 2 * sizeof(int32_t) + sizeof *sample->failure;
	for (int v = 0; v < n; v++)
		sh->chunk_bytes += tally_packed_size(sample->tallies[v]) + sizeof sample->pairings[v];
	if (sample->passes != NULL)
		sh->chunk_bytes += (size_t)n * RUNNER_CHUNK;
	if (sample->totals != NULL)
		sh->chunk_bytes += (size_t)n * RUNNER_CHUNK * sizeof *sample->totals;
	sh->mine = malloc((size_t)chunks_of(sh->rank, sh->size, round) * sh->chunk_bytes);
	sh->all = malloc((size_t)round * sh->chunk_bytes);
	sh->sizes = malloc((size_t)sh->size * sizeof *sh->sizes);
	sh->cluster = cluster;
	return sh->mine && sh->all && sh->sizes ? RUN_OK : RUN_NO_MEMORY;
}

/* Every process gets every chunk of the round: PENDING[i] for i < IN_ROUND. */
static void share_round(struct share *sh, struct pending_chunk *pending, int n, int in_round)
{
	int mine = chunks_of(sh->rank, sh->size, in_round);
	for (int j = 0; j < mine; j++)
		chunk_pack(&pending[sh->rank + j * sh->size], n, sh->mine + (size_t)j * sh->chunk_bytes);
	for (int r = 0; r < sh->size; r++)
		sh->sizes[r] = (size_t)chunks_of(r, sh->size, in_round) * sh->chunk_bytes;
	cluster_share_varied(sh->cluster, sh->mine, sh->sizes, sh->all);
	const unsigned char *in = sh->all;
	for (int r = 0; r < sh->size; r++) {
		for (int j = 0; j < chunks_of(r, sh->size, in_round); j++) {
			if (r != sh->rank)
				chunk_unpack(&pending[r + j * sh->size], n, in);
			in += sh->chunk_bytes;
		}
	}
}

static void share_free(struct share *sh)
{
	free(sh->mine);
	free(sh->all);
	free(sh->sizes);
}

/* Makes one thread's lanes: workspace, histogram and plugin states per variant. */
static int start_lanes(const struct run_variant *variants, struct scenario_compiled *const *models,
		       int n, struct inversion_tables *tables, struct lane *lanes, struct diag *d)
{
	for (int v = 0; v < n; v++) {
		const struct scenario *s = variants[v].scenario;
		lanes[v].workspace = replication_workspace_new_compiled(models[v], tables);
		lanes[v].histogram = histogram_new(models[v]);
		if (!lanes[v].workspace || !lanes[v].histogram)
			return run_out_of_memory(d, _("preparing "), s->name);
		const struct week_hooks *hooks = variants[v].hooks;
		if (hooks == NULL)
			continue;
		lanes[v].hooks = hooks;
		struct diag why;
		diag_init(&why, NULL);
		lanes[v].hook_thread = hooks->thread_start(hooks->context, &why);
		int status = RUN_OK;
		if (lanes[v].hook_thread == NULL)
			status = why.count > 0 ? failure_status(diag_worst(&why))
					       : run_out_of_memory(d, _("starting the week hooks"), "");
		diag_move(d, &why);
		if (status != RUN_OK)
			return status;
		replication_set_week_hook(lanes[v].workspace, hooks->week, lanes[v].hook_thread);
		/* a setup that reads uncertain inputs runs in every replication */
		if (hooks->setup != NULL &&
		    replication_set_setup_hook(lanes[v].workspace, hooks->setup, lanes[v].hook_thread,
					       hooks->before_setup) != 0)
			return run_out_of_memory(d, _("preparing "), s->name);
	}
	/* variant 0 runs each replication first: the others copy the cells it
	 * drew alike (the same numbers, drawn once) */
	for (int v = 1; v < n; v++)
		if (replication_share(lanes[v].workspace, lanes[0].workspace) < 0)
			return run_out_of_memory(d, _("preparing "), variants[v].scenario->name);
	return RUN_OK;
}

/* The half-width --precision looks at: P(pass)'s Wilson half-width for one
 * variant, else the widest paired difference's. */
static double precision_half_width(const struct run_result *results, const struct pairing *pairings,
				   int n)
{
	if (n == 1) {
		double lo, hi;
		wilson_interval(results[0].tally->passes, results[0].tally->n, Z95, &lo, &hi);
		return (hi - lo) / 2.0;
	}
	double widest = 0.0;
	for (int v = 1; v < n; v++) {
		double h = pairing_half_width(&pairings[v].pass_difference, pairings[v].n);
		if (!(h <= widest))
			widest = h;
	}
	return widest;
}

/* With precision: 1 when the intervals are narrow enough to stop. */
static int precise_enough(const struct run_result *results, const struct pairing *pairings,
			  int n, double precision)
{
	return precision_half_width(results, pairings, n) <= precision;
}

int run_variants(const struct run_variant *variants, int n, const struct run_options *options,
		 struct run_result *results, struct pairing *pairings, struct diag *d)
{
	int threads = options->threads > 0 ? options->threads : 1;
	struct share share = {.rank = 0, .size = 1};
	if (options->cluster != NULL) {
		share.rank = cluster_rank(options->cluster);
		share.size = cluster_size(options->cluster);
	}
	/* chunks in flight between two ordered merges; with several processes
	 * the same in each, whatever their thread counts */
	int round = RUNNER_CHECKPOINT_CHUNKS * (share.size > 1 ? share.size : threads);
	int64_t chunks = (options->replications + RUNNER_CHUNK - 1) / RUNNER_CHUNK;
	struct lane *lanes = calloc((size_t)threads * (size_t)n, sizeof *lanes);
	struct pending_chunk *pending = calloc((size_t)round, sizeof *pending);
	struct run_failure *failures = malloc((size_t)round * sizeof *failures);
	/* one set for every variant and thread: the variants share most rates */
	struct inversion_tables *tables = inversion_tables_new();
	int status = RUN_OK;
	double started = omp_get_wtime();

	memset(results, 0, (size_t)n * sizeof *results);
	memset(pairings, 0, (size_t)n * sizeof *pairings);
	/* each variant compiled once, its model shared by every thread */
	struct scenario_compiled **models = calloc((size_t)n, sizeof *models);
	for (int v = 0; models != NULL && v < n; v++)
		if ((models[v] = scenario_compile(variants[v].scenario, d)) == NULL)
			status = RUN_NO_MEMORY;
	if (models == NULL)
		status = RUN_NO_MEMORY;
	for (int v = 0; v < n && status == RUN_OK; v++) {
		results[v].tally = tally_new(variants[v].scenario);
		results[v].histogram = histogram_new(models[v]);
		results[v].seed = options->seed;
		results[v].threads = threads;
		results[v].processes = share.size;
		results[v].complete = 1;
		if (!results[v].tally || !results[v].histogram)
			status = RUN_NO_MEMORY;
	}
	if (!lanes || !pending || !failures || !tables)
		status = RUN_NO_MEMORY;
	for (int i = 0; i < round && status == RUN_OK; i++) {
		pending[i].failure = &failures[i];
		pending[i].tallies = calloc((size_t)n, sizeof *pending[i].tallies);
		pending[i].pairings = calloc((size_t)n, sizeof *pending[i].pairings);
		if (options->passes != NULL)
			pending[i].passes = malloc((size_t)n * RUNNER_CHUNK);
		if (options->totals != NULL)
			pending[i].totals = malloc((size_t)n * RUNNER_CHUNK * sizeof *pending[i].totals);
		if (!pending[i].tallies || !pending[i].pairings ||
		    (options->passes != NULL && !pending[i].passes) ||
		    (options->totals != NULL && !pending[i].totals))
			status = RUN_NO_MEMORY;
		for (int v = 0; v < n && status == RUN_OK; v++)
			if ((pending[i].tallies[v] = tally_new(variants[v].scenario)) == NULL)
				status = RUN_NO_MEMORY;
	}
	if (status != RUN_OK)
		run_out_of_memory(d, _("preparing the run"), "");
	int before = d->count;
	for (int t = 0; t < threads && status == RUN_OK; t++)
		status = start_lanes(variants, models, n, tables, &lanes[(size_t)t * (size_t)n], d);
	if (share.size > 1) {
		if (status == RUN_OK &&
		    (status = share_start(&share, options->cluster, &pending[0], n, round)) != RUN_OK)
			run_out_of_memory(d, _("preparing the run"), "");
		/* every process is ready, or none starts */
		char why[1200], message[1024];
		why[0] = '\0';
		if (d->count > before)
			diag_format(d, &d->entries[before], why, sizeof why);
		int mine = status == RUN_OK ? 0
			   : cluster_status_of(status == RUN_NO_MEMORY ? DIAG_NO_MEMORY : DIAG_PLUGIN);
		int agreed = cluster_agree(options->cluster, mine, why, message, sizeof message);
		if (agreed != 0 && message[0] != '\0')
			diag_add_at(d, cluster_kind_of(agreed), "", 0, "%s", message);
		status = agreed == 0 ? RUN_OK : failure_status(cluster_kind_of(agreed));
	}

	omp_set_dynamic(0);
	int64_t done = 0;
	while (done < chunks && status == RUN_OK) {
		/* a round never crosses a checkpoint: where precision stops the run
		 * is then the same for every thread count */
		int64_t to_checkpoint = RUNNER_CHECKPOINT_CHUNKS - done % RUNNER_CHECKPOINT_CHUNKS;
		int64_t left = chunks - done;
		int in_round = (int)(left < round ? left : round);
		if (options->precision > 0.0 && in_round > to_checkpoint)
			in_round = (int)to_checkpoint;
		/* this process's chunks: rank, rank + size, ... */
		int mine = chunks_of(share.rank, share.size, in_round);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
		for (int j = 0; j < mine; j++) {
			int i = share.rank + j * share.size;
			run_chunk(variants, n, options, done + i,
				  &lanes[(size_t)omp_get_thread_num() * (size_t)n], &pending[i]);
		}
		if (share.size > 1)
			share_round(&share, pending, n, in_round);
		/* in index order: the first failed chunk speaks, then the merge */
		for (int i = 0; i < in_round && status == RUN_OK; i++) {
			if (pending[i].status != RUN_OK) {
				status = pending[i].status;
				failure_report(pending[i].failure, d);
			}
		}
		for (int i = 0; i < in_round && status == RUN_OK; i++) {
			for (int v = 0; v < n; v++) {
				tally_merge(results[v].tally, pending[i].tallies[v]);
				if (v > 0)
					pairing_merge(&pairings[v], &pending[i].pairings[v]);
			}
			copy_records(options, n, done + i, &pending[i]);
		}
		done += in_round;
		int interrupted = 0;
		for (int i = 0; i < in_round; i++)
			interrupted |= pending[i].interrupted;
		if (status == RUN_OK && options->progress != NULL)
			options->progress(options->progress_context, results[0].tally->n, options->replications);
		if (interrupted) {
			for (int v = 0; v < n; v++)
				results[v].complete = 0;
			break;
		}
		if (status == RUN_OK && options->precision > 0.0 && done % RUNNER_CHECKPOINT_CHUNKS == 0 &&
		    precise_enough(results, pairings, n, options->precision))
			break;
	}
	if (status == RUN_OK && options->precision > 0.0) {
		double reached = precision_half_width(results, pairings, n);
		for (int v = 0; v < n; v++) {
			results[v].precision = options->precision;
			results[v].half_width = reached;
			results[v].precision_reached = reached <= options->precision;
		}
	}
	/* the workspaces (their blocks of results the largest) and the tables
	 * go first: merging touches the histogram's pages, at the run's peak
	 * of memory if done before */
	for (size_t k = 0; lanes && k < (size_t)threads * (size_t)n; k++) {
		replication_workspace_free(lanes[k].workspace);
		lanes[k].workspace = NULL;
		if (lanes[k].hook_thread)
			lanes[k].hooks->thread_end(lanes[k].hook_thread);
	}
	inversion_tables_free(tables);
	for (int t = 0; t < threads && status == RUN_OK; t++)
		for (int v = 0; v < n; v++)
			histogram_merge(results[v].histogram, lanes[(size_t)t * (size_t)n + v].histogram);
	/* counts add up exactly in any order */
	for (int v = 0; v < n && status == RUN_OK && share.size > 1; v++)
		cluster_sum(options->cluster, results[v].histogram->counts,
			    (size_t)results[v].histogram->bins);
	share_free(&share);

	for (size_t k = 0; lanes && k < (size_t)threads * (size_t)n; k++)
		histogram_free(lanes[k].histogram);
	for (int i = 0; pending && i < round; i++) {
		for (int v = 0; pending[i].tallies && v < n; v++)
			tally_free(pending[i].tallies[v]);
		free(pending[i].tallies);
		free(pending[i].pairings);
		free(pending[i].passes);
		free(pending[i].totals);
	}
	free(lanes);
	free(pending);
	free(failures);
	for (int v = 0; models != NULL && v < n; v++)
		scenario_compiled_free(models[v]);
	free(models);
	double seconds = omp_get_wtime() - started;
	for (int v = 0; v < n; v++) {
		results[v].seconds = seconds;
		results[v].replications = results[v].tally ? results[v].tally->n : 0;
		if (status != RUN_OK)
			run_result_free(&results[v]);
	}
	return status;
}

int run_simulation(const struct scenario *s, const struct run_options *options,
		   struct run_result *out, struct diag *d)
{
	struct run_variant variant = {s, options->hooks};
	struct pairing unused;
	return run_variants(&variant, 1, options, out, &unused, d);
}
