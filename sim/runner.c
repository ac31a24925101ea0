#include "runner.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "replication.h"

/* Per-thread state: its workspace and its share of the histogram. */
struct worker {
	struct replication_workspace *workspace;
	struct histogram *histogram;
};

void run_result_free(struct run_result *r)
{
	tally_free(r->tally);
	histogram_free(r->histogram);
	r->tally = NULL;
	r->histogram = NULL;
}

/* Tallies the replications of chunk CHUNK into T; returns 0 or -1. */
static int run_chunk(const struct scenario *s, const struct run_options *options, int64_t chunk,
		     struct worker *worker, struct tally *t)
{
	int64_t first = chunk * RUNNER_CHUNK;
	int64_t last = first + RUNNER_CHUNK;
	if (last > options->replications)
		last = options->replications;
	tally_reset(t);
	for (int64_t i = first; i < last; i++) {
		if (replication_run(s, options->seed, (uint64_t)i, worker->workspace) != 0)
			return -1;
		const struct outcome *o = replication_outcome(worker->workspace);
		tally_add(t, s, o);
		histogram_add(worker->histogram, o->total);
	}
	return 0;
}

int run_simulation(const struct scenario *s, const struct run_options *options,
		   struct run_result *out, char *error, size_t error_size)
{
	int threads = options->threads > 0 ? options->threads : 1;
	int round = 4 * threads;   /* chunks in flight between two ordered merges */
	int64_t chunks = (options->replications + RUNNER_CHUNK - 1) / RUNNER_CHUNK;
	struct worker *workers = calloc((size_t)threads, sizeof *workers);
	struct tally **pending = calloc((size_t)round, sizeof *pending);
	int failed = 0;
	double started = omp_get_wtime();

	out->tally = tally_new(s);
	out->histogram = histogram_new(s);
	out->seed = options->seed;
	out->replications = options->replications;
	out->threads = threads;
	out->processes = 1;
	if (!workers || !pending || !out->tally || !out->histogram)
		failed = 1;
	for (int i = 0; i < threads && !failed; i++) {
		workers[i].workspace = replication_workspace_new(s);
		workers[i].histogram = histogram_new(s);
		failed = !workers[i].workspace || !workers[i].histogram;
	}
	for (int i = 0; i < round && !failed; i++)
		failed = (pending[i] = tally_new(s)) == NULL;

	omp_set_dynamic(0);
	for (int64_t start = 0; start < chunks && !failed; start += round) {
		int in_round = chunks - start < round ? (int)(chunks - start) : round;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) reduction(| : failed)
		for (int i = 0; i < in_round; i++) {
			struct worker *worker = &workers[omp_get_thread_num()];
			failed |= run_chunk(s, options, start + i, worker, pending[i]) != 0;
		}
		for (int i = 0; i < in_round && !failed; i++)
			tally_merge(out->tally, pending[i]);
	}
	for (int i = 0; i < threads && !failed; i++)
		histogram_merge(out->histogram, workers[i].histogram);

	for (int i = 0; workers && i < threads; i++) {
		replication_workspace_free(workers[i].workspace);
		histogram_free(workers[i].histogram);
	}
	for (int i = 0; pending && i < round; i++)
		tally_free(pending[i]);
	free(workers);
	free(pending);
	out->seconds = omp_get_wtime() - started;
	if (failed) {
		snprintf(error, error_size, "out of memory while simulating %s", s->name);
		run_result_free(out);
		return -1;
	}
	return 0;
}
