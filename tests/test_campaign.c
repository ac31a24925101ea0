/*
 * campaign: the weekly dynamics run in blocks of replications, cell by
 * cell, draw exactly what inventory_week draws replication by replication
 * (the same O at every batch's week, the same rectification), for any
 * block and whatever the rates ask of the samplers (tables, BTRS and PTRS
 * past them, rates of 0 and 1, no tables at all); a table's draw at the
 * uniforms' two extremes is the whole span's; and replication_run gives
 * the same outcomes with and without replication_expect. With week hooks,
 * what a hook writes takes effect as it does on inventories.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "inventory.h"
#include "replication.h"
#include "sample.h"
#include "scenario.h"
#include "load_scenario.h"

#define DEMO CCSIM_SOURCE_DIR "/scenarios/demo-city.cfg"
#define SEED 77

/* Rates for every path of the samplers: tables, n past them (BTRS), p of
 * 0 and 1, a mean of 0 and past the tables (PTRS), and problems past 2^31
 * in one cell (its block keeps O in 64 bits). */
static const char varied[] =
	"version = 1;\n"
	"campaign: { weeks = 9; };\n"
	"inspection: { window = [2, 9]; batches = 3; };\n"
	"categories = ( { name = \"a\"; weight = 40.0; deduction = 0.1; lottery = 2; },\n"
	"               { name = \"b\"; weight = 40.0; deduction = 0.1; lottery = 2; } );\n"
	"defaults: { sites = 10; declared = 4; problems = 40; new_per_week = 3.0;\n"
	"            rectify_rate = 0.2; rebound = 0.1; };\n"
	"districts = (\n"
	"  { name = \"tabled\"; population = 1.0; satisfaction = 0.9; },\n"
	"  { name = \"btrs\"; population = 1.0; satisfaction = 0.9; problems = 9000;\n"
	"    rectify_rate = 0.5; rebound = 0.45; },\n"
	"  { name = \"edges\"; population = 1.0; satisfaction = 0.9; rectify_rate = 1.0;\n"
	"    rebound = 0.0; new_per_week = 0.0; },\n"
	"  { name = \"ptrs\"; population = 1.0; satisfaction = 0.9; new_per_week = 250.0;\n"
	"    rectify_rate = 0.0; },\n"
	"  { name = \"huge\"; population = 1.0; satisfaction = 0.9; problems = 3000000000;\n"
	"    rectify_rate = 0.3; } );\n"
	"survey: { respondents = 100; weight = 20.0; };\n"
	"pass: { rule = \"threshold\"; threshold = 50.0; };\n";

static size_t cells_of(const struct scenario *s)
{
	return (size_t)s->n_districts * (size_t)s->n_categories;
}

/* tau_b of replication INDEX into WEEKS, as the model draws them. */
static void draw_dates(const struct scenario *s, uint64_t index, int *weeks)
{
	struct rng r;
	rng_init(&r, SEED, index, RNG_SUBSTREAM_INSPECTION);
	for (int b = 0; b < s->batches; b++)
		weeks[b] = (int)sample_uniform_int(&r, s->window_first, s->window_last);
}

/* Replication INDEX week by week on inventories (how replications ran
 * before blocks): O at each batch's week into OPEN[b * cells + k], and
 * the rectification. */
static double week_by_week(const struct scenario *s, struct inversion_tables *tables,
			   uint64_t index, const int *weeks, int64_t *open)
{
	size_t cells = cells_of(s);
	struct inventory *inv = calloc(cells, sizeof *inv);
	struct inventory_samplers *kept = calloc(cells, sizeof *kept);
	struct rng *streams = calloc(cells, sizeof *streams);
	assert_non_null(inv);
	assert_non_null(kept);
	assert_non_null(streams);
	int64_t rectified = 0, arrived = 0, initial = 0;
	for (size_t k = 0; k < cells; k++) {
		const struct cell *c = &s->cells[k];
		inventory_start(&inv[k], &kept[k], c->problems, c->rectify_rate, c->rebound, c->new_per_week,
				tables);
		rng_init(&streams[k], SEED, index, RNG_SUBSTREAM_CELLS + k);
		initial += c->problems;
	}
	for (int t = 1; t <= s->weeks; t++) {
		for (size_t k = 0; k < cells; k++)
			inventory_week(&inv[k], &kept[k], &streams[k], &rectified, &arrived);
		for (int b = 0; b < s->batches; b++)
			if (weeks[b] == t)
				for (size_t k = 0; k < cells; k++)
					open[(size_t)b * cells + k] = inv[k].open;
	}
	free(inv);
	free(kept);
	free(streams);
	double denominator = (double)initial + (double)arrived;
	return denominator > 0.0 ? (double)rectified / denominator : 0.0;
}

/* Blocks of every size up to the capacity, from FIRST on, against week by week. */
static void blocks_match(const struct scenario *s, struct inversion_tables *tables,
			 uint64_t first, int replications)
{
	size_t cells = cells_of(s);
	struct campaign *c = campaign_new(s, tables);
	assert_non_null(c);
	int capacity = campaign_capacity(c);
	assert_true(capacity >= 1 && capacity <= CAMPAIGN_BLOCK);
	int *weeks = calloc((size_t)capacity * (size_t)s->batches, sizeof *weeks);
	int64_t *expected = calloc((size_t)s->batches * cells, sizeof *expected);
	assert_non_null(weeks);
	assert_non_null(expected);
	int block = 1;
	for (uint64_t start = first; start < first + (uint64_t)replications; block = block * 3 + 1) {
		int count = block < capacity ? block : capacity;
		if ((uint64_t)count > first + (uint64_t)replications - start)
			count = (int)(first + (uint64_t)replications - start);
		for (int j = 0; j < count; j++)
			draw_dates(s, start + (uint64_t)j, &weeks[j * s->batches]);
		campaign_run_block(c, s, SEED, start, count, weeks);
		for (int j = 0; j < count; j++) {
			double rectification =
				week_by_week(s, tables, start + (uint64_t)j, &weeks[j * s->batches], expected);
			assert_true(campaign_rectification(c, j) == rectification);
			for (int b = 0; b < s->batches; b++)
				for (size_t k = 0; k < cells; k++)
					assert_int_equal(campaign_open(c, j, b, k),
							 expected[(size_t)b * cells + k]);
		}
		start += (uint64_t)count;
	}
	free(weeks);
	free(expected);
	campaign_free(c);
}

static void blocks_draw_what_weeks_draw(void **state)
{
	(void)state;
	struct scenario *demo = load_scenario_file(DEMO);
	struct scenario *s = load_scenario_text(varied);
	struct inversion_tables *tables = inversion_tables_new();
	assert_non_null(tables);
	blocks_match(demo, tables, 0, 700);
	blocks_match(s, tables, 0, 500);
	blocks_match(s, tables, 123456789, 60);
	blocks_match(s, NULL, 5, 40); /* no tables: every draw builds its own */
	inversion_tables_free(tables);
	scenario_free(demo);
	scenario_free(s);
}

/* The hooks' view of the cells: a hook that writes nothing leaves the
 * replication as a block runs it; one that stops, stops it. */
struct hook_log {
	int calls;
	int stop_at;
};

static int log_hook(void *context, uint64_t seed, uint64_t replication, int week,
		    struct inventory *inventories, size_t stride)
{
	struct hook_log *log = context;
	(void)seed;
	(void)stride;
	(void)replication;
	assert_non_null(inventories);
	log->calls++;
	return week == log->stop_at;
}

static void a_quiet_hook_changes_nothing(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_text(varied);
	struct inversion_tables *tables = inversion_tables_new();
	struct campaign *block = campaign_new(s, tables);
	struct campaign *hooked = campaign_new(s, tables);
	assert_non_null(block);
	assert_non_null(hooked);
	int weeks[3];
	for (uint64_t i = 40; i < 60; i++) {
		draw_dates(s, i, weeks);
		struct hook_log log = {0, -1};
		campaign_run_block(block, s, SEED, i, 1, weeks);
		assert_int_equal(campaign_run_hooked(hooked, s, SEED, i, 1, weeks, log_hook, &log),
				 CAMPAIGN_OK);
		assert_int_equal(log.calls, s->weeks);
		assert_true(campaign_rectification(hooked, 0) == campaign_rectification(block, 0));
		for (int b = 0; b < s->batches; b++)
			for (size_t k = 0; k < cells_of(s); k++)
				assert_int_equal(campaign_open(hooked, 0, b, k), campaign_open(block, 0, b, k));
	}
	struct hook_log log = {0, 4};
	assert_int_equal(campaign_run_hooked(hooked, s, SEED, 0, 1, weeks, log_hook, &log),
			 CAMPAIGN_HOOK_STOPPED);
	assert_int_equal(log.calls, 4);
	campaign_free(block);
	campaign_free(hooked);
	inversion_tables_free(tables);
	scenario_free(s);
}

/* A hook that writes every field, switching each cell among more rates
 * than a cell keeps samplers for (rates of 0 and 1, a mean past the
 * tables among them), and sometimes its open problems. */
static int switching_hook(void *context, uint64_t seed, uint64_t replication, int week,
			  struct inventory *inventories, size_t stride)
{
	static const double rates[][3] = {{0.2, 0.1, 3.0}, {0.5, 0.3, 12.0}, {0.05, 0.6, 0.5},
					  {1.0, 0.0, 150.0}, {0.2, 0.1, 3.0}, {0.7, 1.0, 0.0}};
	const struct scenario *s = context;
	(void)seed;
	for (size_t k = 0; k < cells_of(s); k++) {
		const double *r = rates[(replication + (uint64_t)week * (uint64_t)week + k) % 6];
		struct inventory *v = &inventories[k * stride];
		if ((k + (size_t)week) % 4 == 0)
			continue; /* some cells keep their rates */
		v->rectify_rate = r[0];
		v->rebound = r[1];
		v->new_per_week = r[2];
		if ((k + replication) % 7 == 0)
			v->open = v->open / 2 + 1000;
	}
	return 0;
}

/* A hook's writes take effect as they do on inventories week by week. */
static void hooked_cells_follow_their_rates(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_text(varied);
	size_t cells = cells_of(s);
	struct inversion_tables *tables = inversion_tables_new();
	struct campaign *c = campaign_new(s, tables);
	struct inventory *inv = calloc(cells, sizeof *inv);
	struct inventory_samplers *kept = calloc(cells, sizeof *kept);
	struct rng *streams = calloc(cells, sizeof *streams);
	assert_non_null(c);
	assert_non_null(inv);
	assert_non_null(kept);
	assert_non_null(streams);
	int weeks[3];
	for (uint64_t i = 0; i < 40; i++) {
		draw_dates(s, i, weeks);
		assert_int_equal(campaign_run_hooked(c, s, SEED, i, 1, weeks, switching_hook, s), CAMPAIGN_OK);
		int64_t rectified = 0, arrived = 0, initial = 0;
		for (size_t k = 0; k < cells; k++) {
			const struct cell *cell = &s->cells[k];
			inventory_start(&inv[k], &kept[k], cell->problems, cell->rectify_rate, cell->rebound,
					cell->new_per_week, tables);
			rng_init(&streams[k], SEED, i, RNG_SUBSTREAM_CELLS + k);
			initial += cell->problems;
		}
		for (int t = 1; t <= s->weeks; t++) {
			for (size_t k = 0; k < cells; k++)
				inventory_week(&inv[k], &kept[k], &streams[k], &rectified, &arrived);
			switching_hook(s, SEED, i, t, inv, 1);
			for (int b = 0; b < s->batches; b++)
				if (weeks[b] == t)
					for (size_t k = 0; k < cells; k++)
						assert_int_equal(campaign_open(c, 0, b, k), inv[k].open);
		}
		double denominator = (double)initial + (double)arrived;
		assert_true(campaign_rectification(c, 0) == (double)rectified / denominator);
	}
	free(inv);
	free(kept);
	free(streams);
	campaign_free(c);
	inversion_tables_free(tables);
	scenario_free(s);
}

/*
 * A hooked block interleaves its replications' weeks (and their hooks'
 * calls) and shares each cell's kept samplers among them: every
 * replication of a block must still end as it ends alone, with the
 * switching hook setting more rates than a cell keeps samplers for, so
 * that one replication's rate sets up again a slot another drew from.
 */
static void hooked_blocks_end_as_single_replications(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_text(varied);
	size_t cells = cells_of(s);
	struct inversion_tables *tables = inversion_tables_new();
	struct campaign *block = campaign_new(s, tables);
	struct campaign *single = campaign_new(s, tables);
	assert_non_null(block);
	assert_non_null(single);
	int count = campaign_hooked_capacity(block);
	assert_int_equal(count, CAMPAIGN_HOOKED_BLOCK);
	int *weeks = calloc((size_t)count * (size_t)s->batches, sizeof *weeks);
	assert_non_null(weeks);
	for (uint64_t first = 0; first < 3 * (uint64_t)count; first += (uint64_t)count) {
		for (int j = 0; j < count; j++)
			draw_dates(s, first + (uint64_t)j, &weeks[j * s->batches]);
		assert_int_equal(campaign_run_hooked(block, s, SEED, first, count, weeks, switching_hook, s),
				 CAMPAIGN_OK);
		for (int j = 0; j < count; j++) {
			assert_int_equal(campaign_run_hooked(single, s, SEED, first + (uint64_t)j, 1,
							     &weeks[j * s->batches], switching_hook, s),
					 CAMPAIGN_OK);
			assert_true(campaign_rectification(block, j) == campaign_rectification(single, 0));
			for (int b = 0; b < s->batches; b++)
				for (size_t k = 0; k < cells; k++)
					assert_int_equal(campaign_open(block, j, b, k),
							 campaign_open(single, 0, b, k));
		}
	}
	free(weeks);
	campaign_free(block);
	campaign_free(single);
	inversion_tables_free(tables);
	scenario_free(s);
}

/* A hook stopping replication 5 in week 2 and replication 2 in week 9,
 * counting every replication's calls. */
struct stop_log {
	int calls[CAMPAIGN_HOOKED_BLOCK];
	int last_stop;           /* the replication of the last stop */
};

static int stopping_hook(void *context, uint64_t seed, uint64_t replication, int week,
			 struct inventory *inventories, size_t stride)
{
	(void)seed;
	(void)inventories;
	(void)stride;
	struct stop_log *log = context;
	log->calls[replication]++;
	if ((replication == 5 && week == 2) || (replication == 2 && week == 9)) {
		log->last_stop = (int)replication;
		return 1;
	}
	return 0;
}

/*
 * A block whose hooks stop: the stop reported is the first replication's to
 * stop (2, in week 9, though 5 stopped first, in week 2), as when each runs
 * alone; those before it run every week and are done; no replication after
 * a stop is called again.
 */
static void a_hooked_block_stops_at_its_first_replication_to_stop(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_text(varied);
	assert_int_equal(s->weeks, 9);
	struct inversion_tables *tables = inversion_tables_new();
	struct campaign *c = campaign_new(s, tables);
	assert_non_null(c);
	int count = 8;
	int *weeks = calloc((size_t)count * (size_t)s->batches, sizeof *weeks);
	assert_non_null(weeks);
	for (int j = 0; j < count; j++)
		draw_dates(s, (uint64_t)j, &weeks[j * s->batches]);
	struct stop_log log = {{0}, -1};
	assert_int_equal(campaign_run_hooked(c, s, SEED, 0, count, weeks, stopping_hook, &log),
			 CAMPAIGN_HOOK_STOPPED);
	assert_int_equal(log.last_stop, 2);
	assert_int_equal(campaign_hooked_done(c), 2);
	assert_int_equal(log.calls[0], s->weeks);
	assert_int_equal(log.calls[1], s->weeks);
	assert_int_equal(log.calls[2], 9);
	/* 3 and 4 run on after 5's stop, up to 2's in week 9 (they come after it) */
	assert_int_equal(log.calls[3], 8);
	assert_int_equal(log.calls[4], 8);
	assert_int_equal(log.calls[5], 2);
	assert_int_equal(log.calls[6], 1);   /* after 5 in week 2: not called */
	assert_int_equal(log.calls[7], 1);
	/* a block with no stop is done whole */
	struct stop_log none = {{0}, -1};
	assert_int_equal(campaign_run_hooked(c, s, SEED, 0, 2, weeks, stopping_hook, &none), CAMPAIGN_OK);
	assert_int_equal(campaign_hooked_done(c), 2);
	free(weeks);
	campaign_free(c);
	inversion_tables_free(tables);
	scenario_free(s);
}

/* A stream whose next 64 bits are X (xoshiro256++ with s0 = 0 outputs rotl(s3, 23)). */
static struct rng stream_giving(uint64_t x)
{
	struct rng r;
	uint64_t s3 = (x >> 23) | (x << 41);
	const uint64_t state[4] = {0, 0x9E3779B97F4A7C15u, 1, s3};
	rng_set_state(&r, state);
	assert_true(rng_next(&r) == x);
	rng_set_state(&r, state);
	return r;
}

/*
 * A kept table holds only the entries a uniform m 2^-53 with m >= 1 can
 * stop at: m = 0 must still stop at the span's first value, and the
 * largest m at the whole span's answer; at every extreme and at random,
 * the kept table draws what the whole span searched from its start draws.
 */
static void tables_keep_the_span_at_its_edges(void **state)
{
	(void)state;
	struct inversion_tables *tables = inversion_tables_new();
	static const struct {
		int64_t n;
		double p;
	} cases[] = {{400, 0.5}, {4000, 0.02}, {30, 0.12}, {1, 0.3}, {900, 0.9}, {600, 0.5}};
	static const uint64_t extremes[] = {0, 1, (uint64_t)1 << 11, (uint64_t)1 << 12, ~(uint64_t)0,
					    ~(uint64_t)0 - ((uint64_t)1 << 11), (uint64_t)1 << 63};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct binomial_source kept, whole;
		inversion_binomial_init(&kept, cases[i].p, tables);
		inversion_binomial_init(&whole, cases[i].p, NULL);
		/* the first draw builds the table: the following ones search it */
		struct rng warm = stream_giving(1);
		inversion_binomial_draw(&kept, &warm, cases[i].n);
		for (size_t e = 0; e < sizeof extremes / sizeof extremes[0]; e++) {
			struct rng a = stream_giving(extremes[e]), b = stream_giving(extremes[e]);
			assert_int_equal(inversion_binomial_draw(&kept, &a, cases[i].n),
					 inversion_binomial_draw(&whole, &b, cases[i].n));
			assert_true(rng_next(&a) == rng_next(&b));
		}
		struct rng a, b;
		rng_init(&a, SEED, i, 9);
		rng_init(&b, SEED, i, 9);
		for (int j = 0; j < 20000; j++)
			assert_int_equal(inversion_binomial_draw(&kept, &a, cases[i].n),
					 inversion_binomial_draw(&whole, &b, cases[i].n));
	}
	/* m = 0 stops at the span's first value, 200 - 10 sd - 20 with sd 10,
	 * far below what the table keeps; m = 1 near its first */
	struct binomial_source source;
	inversion_binomial_init(&source, 0.5, tables);
	struct rng zero = stream_giving(0), one = stream_giving((uint64_t)1 << 11);
	assert_int_equal(inversion_binomial_draw(&source, &zero, 400), 80);
	int64_t least = inversion_binomial_draw(&source, &one, 400);
	assert_true(least > 110 && least < 150);
	inversion_tables_free(tables);
}

static int outcomes_equal(const struct scenario *s, const struct outcome *a, const struct outcome *b)
{
	int same = memcmp(a->component, b->component, sizeof a->component) == 0 &&
		   a->total == b->total && a->pass == b->pass && a->rectification == b->rectification;
	for (int d = 0; d < s->n_districts; d++)
		same = same && a->district_points_lost[d] == b->district_points_lost[d] &&
		       a->district_rank_last[d] == b->district_rank_last[d];
	return same;
}

/* replication_run alone, or told the replications coming, or told others: the same outcomes. */
static void expecting_changes_no_outcome(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_text(varied);
	struct inversion_tables *tables = inversion_tables_new();
	struct replication_workspace *alone = replication_workspace_new(s, tables);
	struct replication_workspace *told = replication_workspace_new(s, tables);
	assert_non_null(alone);
	assert_non_null(told);
	replication_expect(told, SEED, 100, 400);
	for (uint64_t i = 100; i < 400; i += 1 + i % 3) {
		assert_int_equal(replication_run(s, SEED, i, alone), REPLICATION_OK);
		assert_int_equal(replication_run(s, SEED, i, told), REPLICATION_OK);
		assert_true(outcomes_equal(s, replication_outcome(alone), replication_outcome(told)));
	}
	/* another seed than expected, then back before the block */
	assert_int_equal(replication_run(s, SEED + 1, 150, told), REPLICATION_OK);
	assert_int_equal(replication_run(s, SEED + 1, 150, alone), REPLICATION_OK);
	assert_true(outcomes_equal(s, replication_outcome(alone), replication_outcome(told)));
	assert_int_equal(replication_run(s, SEED, 99, told), REPLICATION_OK);
	assert_int_equal(replication_run(s, SEED, 99, alone), REPLICATION_OK);
	assert_true(outcomes_equal(s, replication_outcome(alone), replication_outcome(told)));
	replication_workspace_free(alone);
	replication_workspace_free(told);
	inversion_tables_free(tables);
	scenario_free(s);
}

/* The varied scenario with the district 'tabled' rectifying faster, or
 * (WINDOW) with another inspection window. */
static struct scenario *varied_but(int window)
{
	char text[sizeof varied + 64];
	const char *at = strstr(varied, window ? "window = [2, 9]" : "name = \"tabled\";");
	assert_non_null(at);
	size_t head = (size_t)(at - varied);
	const char *change = window ? "window = [3, 9]" : "name = \"tabled\"; rectify_rate = 0.25;";
	const char *rest = at + (window ? strlen("window = [2, 9]") : strlen("name = \"tabled\";"));
	snprintf(text, sizeof text, "%.*s%s%s", (int)head, varied, change, rest);
	return load_scenario_text(text);
}

/* A workspace taking the cells that draw alike from a donor that runs each
 * replication first gives the outcomes it gives alone: in blocks as the
 * donor's, in blocks the donor did not run (it draws them itself), with
 * only a few replications run by the donor. */
static void sharing_cells_changes_no_outcome(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_text(varied);
	struct scenario *faster = varied_but(0), *later = varied_but(1);
	struct inversion_tables *tables = inversion_tables_new();
	struct replication_workspace *donor = replication_workspace_new(s, tables);
	struct replication_workspace *taker = replication_workspace_new(faster, tables);
	struct replication_workspace *alone = replication_workspace_new(faster, tables);
	struct replication_workspace *other = replication_workspace_new(later, tables);
	assert_non_null(donor);
	assert_non_null(taker);
	assert_non_null(alone);
	assert_non_null(other);
	/* 'tabled' is 2 cells of 10: the other 8 are taken; another window, none */
	assert_int_equal(replication_share(taker, donor), 8);
	assert_int_equal(replication_share(other, donor), 0);
	replication_expect(donor, SEED, 0, 600);
	replication_expect(taker, SEED, 0, 600);
	for (uint64_t i = 0; i < 600; i++) {
		if (i < 300 || i % 7 == 0)  /* later, the donor runs a few only */
			assert_int_equal(replication_run(s, SEED, i, donor), REPLICATION_OK);
		assert_int_equal(replication_run(faster, SEED, i, taker), REPLICATION_OK);
		assert_int_equal(replication_run(faster, SEED, i, alone), REPLICATION_OK);
		assert_true(outcomes_equal(faster, replication_outcome(taker), replication_outcome(alone)));
	}
	/* the donor as it was: the taker's outcomes are not its own */
	assert_int_equal(replication_run(s, SEED, 5, donor), REPLICATION_OK);
	assert_int_equal(replication_run(faster, SEED, 5, taker), REPLICATION_OK);
	assert_false(outcomes_equal(faster, replication_outcome(taker), replication_outcome(donor)));
	/* shared after the donor ran a block: that block is not lent (its
	 * cells' sums were not kept), the next ones are */
	struct replication_workspace *late = replication_workspace_new(faster, tables);
	struct replication_workspace *early = replication_workspace_new(s, tables);
	assert_non_null(late);
	assert_non_null(early);
	replication_expect(early, SEED, 0, 600);
	replication_expect(late, SEED, 0, 600);
	assert_int_equal(replication_run(s, SEED, 0, early), REPLICATION_OK);
	assert_int_equal(replication_share(late, early), 8);
	for (uint64_t i = 0; i < 600; i++) {
		assert_int_equal(replication_run(s, SEED, i, early), REPLICATION_OK);
		assert_int_equal(replication_run(faster, SEED, i, late), REPLICATION_OK);
		assert_int_equal(replication_run(faster, SEED, i, alone), REPLICATION_OK);
		assert_true(outcomes_equal(faster, replication_outcome(late), replication_outcome(alone)));
	}
	replication_workspace_free(late);
	replication_workspace_free(early);
	replication_workspace_free(donor);
	replication_workspace_free(taker);
	replication_workspace_free(alone);
	replication_workspace_free(other);
	inversion_tables_free(tables);
	scenario_free(s);
	scenario_free(faster);
	scenario_free(later);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_draw_what_weeks_draw),
		cmocka_unit_test(a_quiet_hook_changes_nothing),
		cmocka_unit_test(hooked_cells_follow_their_rates),
		cmocka_unit_test(hooked_blocks_end_as_single_replications),
		cmocka_unit_test(a_hooked_block_stops_at_its_first_replication_to_stop),
		cmocka_unit_test(tables_keep_the_span_at_its_edges),
		cmocka_unit_test(expecting_changes_no_outcome),
		cmocka_unit_test(sharing_cells_changes_no_outcome),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
