#include "study.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"

/* 1 when the paths A and B name one existing file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* SOURCE's file, read now unless it was before; NULL with the problems in D,
 * among them an output of the command that is one of the files it read (an
 * @include'd file: the command line has refused the scenario's own). */
static const struct scenario_source *source_read(const struct study *st, struct study_source *source,
						 struct diag *d)
{
	if (source->source != NULL)
		return source->source;
	struct scenario_source *src = scenario_source_read(source->file, d);
	const char *const *files;
	int n = src != NULL ? scenario_source_files(src, &files) : 0;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 2; k++)
			if (st->outputs[k] != NULL && same_file(st->outputs[k], files[i])) {
				diag_add_at(d, DIAG_INPUT, NULL, 0,
					    _("cannot write %s: the scenario reads it (@include); an "
					      "output never replaces an input"), st->outputs[k]);
				scenario_source_free(src);
				return NULL;
			}
	source->source = src;
	return src;
}

/*
 * The scenario of a variant: SOURCE's file with the study's settings then
 * OWN (the later wins) applied, resolved and validated in memory. The one
 * place a study turns a file into a scenario. Marks which of OWN take whole
 * numbers. NULL with the problems in D.
 */
static struct scenario *variant_scenario(struct study *st, struct study_source *source,
					 struct parameter_setting *own, int n_own, struct diag *d)
{
	for (int i = 0; i < n_own; i++)
		own[i].integer = scenario_path_is_integer(own[i].path);
	const struct scenario_source *src = source_read(st, source, d);
	if (src == NULL)
		return NULL;
	if (n_own == 0)
		return scenario_source_resolve_with(src, st->settings, st->n_settings, st->flags, d);
	int n = st->n_settings + n_own;
	struct parameter_setting *settings = calloc((size_t)n, sizeof *settings);
	if (settings == NULL) {
		diag_no_memory(d, _("preparing a variant"));
		return NULL;
	}
	memcpy(settings, st->settings, (size_t)st->n_settings * sizeof *settings);
	memcpy(settings + st->n_settings, own, (size_t)n_own * sizeof *settings);
	struct scenario *s = scenario_source_resolve_with(src, settings, n, st->flags, d);
	free(settings);
	return s;
}

/* Loads and sets up the policies of S; NULL with the reasons in D. */
static struct plugin_host *set_up(struct study *st, struct scenario *s, struct study_source *source,
				  uint64_t seed, struct diag *d)
{
	return plugin_host_new(s, &st->paths[source->plugins], seed, d);
}

void study_close(struct study *st)
{
	study_variant_free(&st->base);
	for (int i = 0; i < st->n_sources; i++)
		scenario_source_free(st->sources[i].source);
	for (int i = 0; i < st->n_paths; i++)
		plugin_path_free(&st->paths[i]);
	st->n_paths = 0;
	free(st->settings);
	st->settings = NULL;
	st->n_sources = 0;
	st->n_settings = 0;
}

/* The run options from REQUEST, else the base scenario S's run section, else defaults. */
static struct run_options run_options(const struct study_request *r, const struct scenario *s)
{
	struct run_options run = {
		.seed = r->have_seed ? r->seed : (s->has_seed ? s->seed : STUDY_DEFAULT_SEED),
		.replications = r->have_reps ? r->reps
					     : (s->has_replications ? s->replications
								    : STUDY_DEFAULT_REPLICATIONS),
		.threads = r->threads > 0 ? r->threads : 1,
		.precision = r->precision,
		.cluster = r->cluster,
	};
	if (r->precision > 0.0 && !r->have_reps)
		run.replications = r->max_reps;
	if (!r->have_reps && r->default_reps > 0) /* many runs: the command's own default */
		run.replications = r->default_reps;
	return run;
}

/* The length of FILE's folder part (0: none). */
static size_t folder_length(const char *file)
{
	const char *slash = strrchr(file, '/');
	return slash ? (size_t)(slash - file) + 1 : 0;
}

/* The plugin path of FILES[I]: that of an earlier file in the same folder,
 * else a new one. */
static int plugin_path_of(struct study *st, const char *const *files, int i)
{
	/* a layered scenario's plugins: beside its last file */
	const char *file = scenario_last_layer(files[i]);
	size_t length = folder_length(file);
	for (int j = 0; j < i; j++) {
		const char *other = scenario_last_layer(files[j]);
		if (folder_length(other) == length && strncmp(other, file, length) == 0)
			return st->sources[j].plugins;
	}
	plugin_path_init(&st->paths[st->n_paths], file);
	return st->n_paths++;
}

int study_open(struct study *st, const char *const *files, int n_files,
	       const struct study_request *request, struct diag *d)
{
	memset(st, 0, sizeof *st);
	if (n_files < 1 || n_files > LIMIT_VARIANTS) {
		diag_add_at(d, DIAG_INPUT, NULL, 0, _("a study takes 1 to %d scenarios"), LIMIT_VARIANTS);
		return -1;
	}
	st->settings = calloc((size_t)request->n_settings + 1, sizeof *st->settings);
	if (st->settings == NULL) {
		diag_no_memory(d, _("opening the scenario"));
		return -1;
	}
	st->n_settings = request->n_settings;
	st->flags = request->strict ? SCENARIO_STRICT : 0;
	for (int i = 0; i < request->n_settings; i++)
		st->settings[i] = request->settings[i];
	st->outputs[0] = request->outputs[0];
	st->outputs[1] = request->outputs[1];
	for (int i = 0; i < n_files; i++) {
		st->sources[i].file = files[i];
		st->sources[i].source = NULL;
		st->sources[i].plugins = plugin_path_of(st, files, i);
		st->n_sources++;
	}
	/* the base: the seed its setup uses may come from its own run section */
	struct diag mine;
	struct study_source *src = &st->sources[0];
	diag_init(&mine, src->file);
	st->base.scenario = variant_scenario(st, src, NULL, 0, &mine);
	if (st->base.scenario != NULL) {
		st->run = run_options(request, st->base.scenario);
		st->base.plugins = set_up(st, st->base.scenario, src, st->run.seed, &mine);
	}
	diag_move(d, &mine);
	if (st->base.plugins == NULL) {
		const char *failed = src->file;
		study_close(st);
		st->failed_file = failed;
		return -1;
	}
	return 0;
}

/* study_prepare but for st->failed_file, which the caller sets. */
static int prepare(struct study *st, int source, struct parameter_setting *own, int n_own,
		   study_transform transform, void *context, struct study_variant *out,
		   struct diag *d)
{
	struct study_source *src = &st->sources[source];
	struct diag mine;
	diag_init(&mine, src->file);
	out->plugins = NULL;
	out->scenario = variant_scenario(st, src, own, n_own, &mine);
	int status = out->scenario ? 0 : -1;
	if (status == 0 && transform != NULL && transform(out->scenario, context) != 0) {
		diag_no_memory(&mine, _("preparing a variant"));
		status = -1;
	}
	if (status == 0) {
		out->plugins = set_up(st, out->scenario, src, st->run.seed, &mine);
		status = out->plugins ? 0 : -1;
	}
	diag_move(d, &mine);
	if (status != 0)
		study_variant_free(out);
	return status;
}

int study_prepare(struct study *st, int source, struct parameter_setting *own, int n_own,
		  study_transform transform, void *context, struct study_variant *out,
		  struct diag *d)
{
	int status = prepare(st, source, own, n_own, transform, context, out, d);
	if (status != 0)
		st->failed_file = st->sources[source].file;
	return status;
}

int study_prepare_unmarked(struct study *st, int source, struct parameter_setting *own, int n_own,
			   struct study_variant *out, struct diag *d)
{
	return prepare(st, source, own, n_own, NULL, NULL, out, d);
}

int study_prepare_each(struct study *st, int source, study_transform transform,
		       void *const *contexts, int n, struct study_variant *out, struct diag *d)
{
	struct diag *mine = calloc((size_t)(n > 0 ? n : 1), sizeof *mine);
	int *status = calloc((size_t)(n > 0 ? n : 1), sizeof *status);
	if (mine == NULL || status == NULL) {
		free(mine);
		free(status);
		diag_no_memory(d, _("preparing the variants"));
		return -1;
	}
	/* the file read before the threads start (the study then only read:
	 * the plugins' files are looked up under a lock); each variant into
	 * its own slot and its own list: the same variants and messages, in
	 * the same order, whatever the threads */
	struct diag read;
	diag_init(&read, st->sources[source].file);
	const struct scenario_source *src = source_read(st, &st->sources[source], &read);
	diag_move(d, &read);
	if (src == NULL) {
		free(mine);
		free(status);
		st->failed_file = st->sources[source].file;
		return -1;
	}
	int threads = st->run.threads > 0 ? st->run.threads : 1;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (n > 1 && threads > 1)
	for (int i = 0; i < n; i++) {
		diag_init(&mine[i], NULL);
		status[i] = prepare(st, source, NULL, 0, transform, contexts[i], &out[i], &mine[i]);
	}
	int failed = -1;
	for (int i = 0; i < n && failed < 0; i++)
		if (status[i] != 0)
			failed = i;
	for (int i = 0; i < n; i++) {
		if (failed < 0 || i <= failed)  /* as one after another, up to the first failure */
			diag_move(d, &mine[i]);
		diag_free(&mine[i]);
		if (failed >= 0 && status[i] == 0)
			study_variant_free(&out[i]);
	}
	if (failed >= 0)
		st->failed_file = st->sources[source].file;
	free(mine);
	free(status);
	return failed >= 0 ? -1 : 0;
}

void study_variant_free(struct study_variant *v)
{
	plugin_host_free(v->plugins);
	scenario_free(v->scenario);
	v->plugins = NULL;
	v->scenario = NULL;
}

const struct week_hooks *study_variant_hooks(const struct study_variant *v)
{
	return plugin_host_hooks(v->plugins);
}

const struct policy_summary *study_variant_policies(const struct study_variant *v)
{
	return plugin_host_summaries(v->plugins);
}

int study_run(const struct study_variant *v, const struct run_options *options,
	      struct run_result *out, struct diag *d)
{
	struct run_options run = *options;
	run.hooks = study_variant_hooks(v);
	return run_simulation(v->scenario, &run, out, d) == 0 ? 0 : -1;
}

int study_run_variants(const struct study_variant *variants, int n, const struct run_options *options,
		       struct run_result *results, struct pairing *pairings, struct diag *d)
{
	struct run_variant *runs = calloc((size_t)n, sizeof *runs);
	if (runs == NULL) {
		diag_no_memory(d, _("preparing the run"));
		return -1;
	}
	for (int v = 0; v < n; v++) {
		runs[v].scenario = variants[v].scenario;
		runs[v].hooks = study_variant_hooks(&variants[v]);
	}
	int status = run_variants(runs, n, options, results, pairings, d);
	free(runs);
	return status == 0 ? 0 : -1;
}

struct study_header study_header(const struct study *st, const char *command)
{
	struct study_header h = {
		.command = command,
		.scenario = st->base.scenario ? st->base.scenario->name : "",
		.replications = st->run.replications,
		.seed = st->run.seed,
		.threads = st->run.threads,
		.processes = st->run.cluster ? cluster_size(st->run.cluster) : 1,
		.seconds = 0.0,
		.warnings = st->base.scenario ? &st->base.scenario->warnings : NULL,
	};
	return h;
}

double study_pass_share(const struct run_result *r)
{
	return r->tally->n ? (double)r->tally->passes / (double)r->tally->n : 0.0;
}
