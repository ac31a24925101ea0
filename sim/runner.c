#include "runner.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "replication.h"

/* Per-thread state: its workspace, its share of the histogram, its plugin states. */
struct worker {
	struct replication_workspace *workspace;
	struct histogram *histogram;
	struct plugin_thread *plugins;
};

/* A chunk in flight: its tally, and why it failed, if it did. */
struct pending_chunk {
	struct tally *tally;
	int status;
	char error[1024];
};

static int run_week_hooks(void *context, uint64_t seed, uint64_t replication, int week,
			  struct inventory *inventories)
{
	return plugin_thread_week(context, seed, replication, week, inventories);
}

void run_result_free(struct run_result *r)
{
	tally_free(r->tally);
	histogram_free(r->histogram);
	r->tally = NULL;
	r->histogram = NULL;
}

/* Tallies the replications of chunk CHUNK into SLOT. */
static void run_chunk(const struct scenario *s, const struct run_options *options, int64_t chunk,
		      struct worker *worker, struct pending_chunk *slot)
{
	int64_t first = chunk * RUNNER_CHUNK;
	int64_t last = first + RUNNER_CHUNK;
	if (last > options->replications)
		last = options->replications;
	tally_reset(slot->tally);
	slot->status = RUN_OK;
	for (int64_t i = first; i < last; i++) {
		int status = replication_run(s, options->seed, (uint64_t)i, worker->workspace);
		if (status == REPLICATION_HOOK_FAILED) {
			slot->status = RUN_PLUGIN_FAILED;
			snprintf(slot->error, sizeof slot->error, "%s (replication %lld)",
				 plugin_thread_error(worker->plugins), (long long)i);
			return;
		}
		if (status != REPLICATION_OK) {
			slot->status = RUN_NO_MEMORY;
			snprintf(slot->error, sizeof slot->error, "out of memory while simulating %s",
				 s->name);
			return;
		}
		const struct outcome *o = replication_outcome(worker->workspace);
		tally_add(slot->tally, s, o);
		histogram_add(worker->histogram, o->total);
	}
}

/* Makes each thread's workspace, histogram and plugin states. */
static int start_workers(const struct scenario *s, const struct run_options *options,
			 struct worker *workers, int threads, char *error, size_t error_size)
{
	int hooks = plugin_host_has_week_hooks(options->plugins);
	for (int i = 0; i < threads; i++) {
		workers[i].workspace = replication_workspace_new(s);
		workers[i].histogram = histogram_new(s);
		if (!workers[i].workspace || !workers[i].histogram) {
			snprintf(error, error_size, "out of memory while preparing %s", s->name);
			return RUN_NO_MEMORY;
		}
		if (!hooks)
			continue;
		workers[i].plugins = plugin_thread_new(options->plugins, error, error_size);
		if (workers[i].plugins == NULL)
			return RUN_PLUGIN_FAILED;
		replication_set_week_hook(workers[i].workspace, run_week_hooks, workers[i].plugins);
	}
	return RUN_OK;
}

int run_simulation(const struct scenario *s, const struct run_options *options,
		   struct run_result *out, char *error, size_t error_size)
{
	int threads = options->threads > 0 ? options->threads : 1;
	int round = 4 * threads;   /* chunks in flight between two ordered merges */
	int64_t chunks = (options->replications + RUNNER_CHUNK - 1) / RUNNER_CHUNK;
	struct worker *workers = calloc((size_t)threads, sizeof *workers);
	struct pending_chunk *pending = calloc((size_t)round, sizeof *pending);
	int status = RUN_OK;
	double started = omp_get_wtime();

	out->tally = tally_new(s);
	out->histogram = histogram_new(s);
	out->seed = options->seed;
	out->replications = options->replications;
	out->threads = threads;
	out->processes = 1;
	if (!workers || !pending || !out->tally || !out->histogram) {
		snprintf(error, error_size, "out of memory while preparing %s", s->name);
		status = RUN_NO_MEMORY;
	}
	for (int i = 0; i < round && status == RUN_OK; i++)
		if ((pending[i].tally = tally_new(s)) == NULL) {
			snprintf(error, error_size, "out of memory while preparing %s", s->name);
			status = RUN_NO_MEMORY;
		}
	if (status == RUN_OK)
		status = start_workers(s, options, workers, threads, error, error_size);

	omp_set_dynamic(0);
	for (int64_t start = 0; start < chunks && status == RUN_OK; start += round) {
		int in_round = chunks - start < round ? (int)(chunks - start) : round;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
		for (int i = 0; i < in_round; i++)
			run_chunk(s, options, start + i, &workers[omp_get_thread_num()], &pending[i]);
		/* in index order: the first failed chunk speaks, then the merge */
		for (int i = 0; i < in_round && status == RUN_OK; i++) {
			if (pending[i].status != RUN_OK) {
				status = pending[i].status;
				snprintf(error, error_size, "%s", pending[i].error);
			}
		}
		for (int i = 0; i < in_round && status == RUN_OK; i++)
			tally_merge(out->tally, pending[i].tally);
	}
	for (int i = 0; i < threads && status == RUN_OK; i++)
		histogram_merge(out->histogram, workers[i].histogram);

	for (int i = 0; workers && i < threads; i++) {
		replication_workspace_free(workers[i].workspace);
		histogram_free(workers[i].histogram);
		plugin_thread_free(workers[i].plugins);
	}
	for (int i = 0; pending && i < round; i++)
		tally_free(pending[i].tally);
	free(workers);
	free(pending);
	out->seconds = omp_get_wtime() - started;
	if (status != RUN_OK)
		run_result_free(out);
	return status;
}
