/*
 * Calibration from weekly reports (README): the posteriors' sums by
 * hand, recovery of known rates, the pooled prior against a grid search,
 * the encodings, every kind of bad row, the overlay read back, the fit
 * check, and the ledger's rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_close.h"

#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "csv_table.h"
#include "ledger.h"
#include "overlay.h"
#include "pooling.h"
#include "reports.h"
#include "rng.h"
#include "sample.h"
#include "scenario.h"
#include "load_scenario.h"
#include "special.h"

#define DATA CCSIM_SOURCE_DIR "/tests/data/calibrate/"
#define CITY DATA "city.cfg"
#define DEMO CCSIM_SOURCE_DIR "/scenarios/demo-city.cfg"
#define DEMO_REPORTS CCSIM_SOURCE_DIR "/scenarios/reports-demo.csv"

/* ---- helpers ------------------------------------------------------------- */

static void read_reports(const char *path, const struct scenario *s, struct reports *r)
{
	struct diag d;
	diag_init(&d, path);
	int status = reports_read(path, s, r, &d);
	diag_print(&d, stderr);
	assert_int_equal(status, 0);
	diag_free(&d);
}

/* Reports from TEXT (as if read from FILE); 0, or -1 with the problems in D. */
static int parse_reports(const char *text, size_t size, const struct scenario *s, struct reports *r,
			 struct diag *d)
{
	struct csv_table t;
	if (csv_table_parse(text, size, d->file, &t, d) != 0)
		return -1;
	int status = reports_from_table(&t, d->file, s, r, d);
	csv_table_free(&t);
	return status;
}

static void estimate(const struct scenario *s, const struct reports *r, int pool, int threads,
		     struct calibration *c)
{
	struct calibrate_options o = {.pool = pool, .seed = 7, .threads = threads};
	struct diag d;
	diag_init(&d, "calibrate");
	assert_int_equal(calibrate_estimate(s, r, &o, c, &d), 0);
	diag_free(&d);
}

static const struct cell_estimate *find_cell(const struct scenario *s, const struct calibration *c,
					     const char *district, const char *category)
{
	for (int i = 0; i < c->n_cells; i++)
		if (strcmp(s->districts[c->cells[i].district].name, district) == 0 &&
		    strcmp(s->categories[c->cells[i].category].name, category) == 0)
			return &c->cells[i];
	fail_msg("no cell %s %s", district, category);
	return NULL;
}

/* Whether D has a problem at LINE whose message contains NEEDLE. */
static int has_problem(const struct diag *d, int line, const char *needle)
{
	for (int i = 0; i < d->count; i++)
		if (d->entries[i].line == line && strstr(d->entries[i].message, needle) != NULL)
			return 1;
	return 0;
}

static char *read_whole(const char *path)
{
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	fseek(in, 0, SEEK_END);
	long size = ftell(in);
	fseek(in, 0, SEEK_SET);
	char *text = malloc((size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, in), (size_t)size);
	text[size] = '\0';
	fclose(in);
	return text;
}

/* ---- the posteriors ------------------------------------------------------ */

/* tests/data/calibrate/hand.csv, worked by hand (rows in any order):
 *   Chengguan main_road: O_prev = 39 - 4 + 5 - 0 = 40, then 39, 37;
 *     fixed 5 + 6 + 4 = 15 of 40 + 39 + 37 = 116 -> r ~ Beta(16, 102);
 *     rebounded 1 + 2 = 3 of week 1-2 fixes 5 + 6 = 11 -> rho ~ Beta(4, 9);
 *     found 4 + 3 + 5 = 12 in 3 weeks -> lambda ~ Gamma(12.5, 3).
 *   西固 back_street: O_prev 200, 190, 185; fixed 64 of 575 -> Beta(65, 512);
 *     rebounded 5 of 39 -> Beta(6, 35); found 30 -> Gamma(30.5, 3). */
static void hand_computed_posteriors_equal_their_sums_exactly(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(CITY);
	struct reports r;
	read_reports(DATA "hand.csv", s, &r);
	struct calibration c;
	estimate(s, &r, 0, 1, &c);
	assert_int_equal(c.n_cells, 2);
	assert_int_equal(c.n_rows, 6);
	const struct cell_estimate *a = find_cell(s, &c, "Chengguan", "main_road");
	assert_int_equal(a->open_before, 40);
	assert_int_equal(a->open_last, 40);
	assert_true(a->rectify.alpha == 16.0 && a->rectify.beta == 102.0);
	assert_true(a->rebound.alpha == 4.0 && a->rebound.beta == 9.0);
	assert_true(a->arrivals.shape == 12.5 && a->arrivals.rate == 3.0);
	assert_true(a->rectify.mean == 16.0 / 118.0);
	assert_true(a->arrivals.mean == 12.5 / 3.0);
	assert_true(a->was.rectify_rate == 0.15 && a->was.problems == 30);
	const struct cell_estimate *b = find_cell(s, &c, "西固", "back_street");
	assert_int_equal(b->open_before, 200);
	assert_int_equal(b->open_last, 171);
	assert_true(b->rectify.alpha == 65.0 && b->rectify.beta == 512.0);
	assert_true(b->rebound.alpha == 6.0 && b->rebound.beta == 35.0);
	assert_true(b->arrivals.shape == 30.5 && b->arrivals.rate == 3.0);
	/* the intervals hold 2.5 % of the posterior on each side */
	double lb = special_log_beta(16.0, 102.0);
	assert_close(special_beta_i(16.0, 102.0, a->rectify.low, lb), 0.025, 1e-10);
	assert_close(special_beta_i(16.0, 102.0, a->rectify.high, lb), 0.975, 1e-10);
	double lg = special_log_gamma(30.5);
	assert_close(special_gamma_p(30.5, 3.0 * b->arrivals.low, lg), 0.025, 1e-10);
	assert_close(special_gamma_p(30.5, 3.0 * b->arrivals.high, lg), 0.975, 1e-10);
	calibrate_free(&c);
	reports_free(&r);
	scenario_free(s);
}

/* ---- recovery ------------------------------------------------------------ */

/* A city of D districts and C categories, for simulated reports. */
static char *scaled_city(int districts, int categories)
{
	char *text;
	size_t size;
	FILE *out = open_memstream(&text, &size);
	fprintf(out, "version = 1;\ncampaign: { weeks = 12; };\n"
		     "inspection: { window = [12, 12]; batches = 1; };\ncategories = (\n");
	for (int c = 0; c < categories; c++)
		fprintf(out, "  { name = \"c%02d\"; weight = 1.0; deduction = 0.1; lottery = 1; }%s\n", c + 1,
			c + 1 < categories ? "," : "");
	fprintf(out, ");\ndefaults: { sites = 20; declared = 5; problems = 100; new_per_week = 5.0;\n"
		     "  rectify_rate = 0.15; rebound = 0.05; };\ndistricts = (\n");
	for (int d = 0; d < districts; d++)
		fprintf(out, "  { name = \"D%03d\"; population = 1000.0; satisfaction = 0.8; }%s\n", d + 1,
			d + 1 < districts ? "," : "");
	fprintf(out, ");\nsurvey: { respondents = 500; weight = 20.0; };\n"
		     "pass: { rule = \"threshold\"; threshold = 10.0; };\n");
	fclose(out);
	return text;
}

/* Reports of the model's weekly step for every cell of S over WEEKS weeks,
 * with the rates TRUTH[3 * cell + (0: r, 1: rho, 2: lambda)] drawn here. */
static char *simulated_reports(const struct scenario *s, int weeks, uint64_t seed, double *truth)
{
	char *text;
	size_t size;
	FILE *out = open_memstream(&text, &size);
	fprintf(out, "district,category,week,found,fixed,rebounded,open\n");
	int nc = s->n_categories;
	for (int k = 0; k < s->n_districts * nc; k++) {
		struct rng g;
		rng_init(&g, seed, (uint64_t)k, 0);
		/* the rates from the prior the posteriors assume (uniform), so
		 * that 95 % intervals cover 95 % of cells exactly on average;
		 * lambda, whose prior is improper, from a range */
		double r = rng_uniform_open(&g), rho = rng_uniform_open(&g);
		double lambda = 0.5 + 19.5 * rng_uniform(&g);
		truth[3 * k] = r, truth[3 * k + 1] = rho, truth[3 * k + 2] = lambda;
		int64_t open = 20 + (int64_t)sample_below(&g, 281), fixed_before = 0;
		for (int t = 1; t <= weeks; t++) {
			int64_t fixed = sample_binomial(&g, open, r);
			int64_t rebounded = sample_binomial(&g, fixed_before, rho);
			int64_t found = sample_poisson(&g, lambda);
			open += rebounded - fixed + found;
			fixed_before = fixed;
			fprintf(out, "%s,%s,%d,%lld,%lld,%lld,%lld\n", s->districts[k / nc].name,
				s->categories[k % nc].name, t, (long long)found, (long long)fixed,
				(long long)rebounded, (long long)open);
		}
	}
	fclose(out);
	return text;
}

static void intervals_cover_known_rates_in_95_percent_of_2000_cells(void **state)
{
	(void)state;
	char *city = scaled_city(100, 20);
	struct scenario *s = load_scenario_text(city);
	double *truth = malloc(3 * 2000 * sizeof *truth);
	assert_non_null(truth);
	char *text = simulated_reports(s, 12, 20261122, truth);
	struct reports r;
	struct diag d;
	diag_init(&d, "simulated.csv");
	int status = parse_reports(text, strlen(text), s, &r, &d);
	diag_print(&d, stderr);
	assert_int_equal(status, 0);
	diag_free(&d);
	struct calibration c;
	estimate(s, &r, 0, 0, &c);
	assert_int_equal(c.n_cells, 2000);
	int covered[3] = {0, 0, 0};
	for (int i = 0; i < c.n_cells; i++) {
		const struct cell_estimate *e = &c.cells[i];
		const double *t = &truth[3 * (e->district * s->n_categories + e->category)];
		covered[0] += e->rectify.low <= t[0] && t[0] <= e->rectify.high;
		covered[1] += e->rebound.low <= t[1] && t[1] <= e->rebound.high;
		covered[2] += e->arrivals.low <= t[2] && t[2] <= e->arrivals.high;
	}
	/* binomial tolerance: 3.5 standard errors of a share of 2000 at 95 % */
	double tolerance = 3.5 * sqrt(0.95 * 0.05 / 2000);
	for (int k = 0; k < 3; k++) {
		double share = covered[k] / 2000.0;
		printf("coverage of rate %d: %.4f\n", k, share);
		assert_true(fabs(share - 0.95) <= tolerance);
	}
	calibrate_free(&c);
	reports_free(&r);
	free(text);
	free(truth);
	scenario_free(s);
	free(city);
}

/* ---- pooling ------------------------------------------------------------- */

/* FIT maximises L against a grid of (log a, log b) around it: no grid point
 * is higher, and the highest lies next to FIT. */
static void assert_maximum_on_grid(const int64_t *k, const int64_t *n, int count,
				   const struct pooling_fit *fit)
{
	const int points = 401;
	double la = log(fit->alpha), lb = log(fit->beta), span = log(20.0);
	double best = -INFINITY, best_a = 0, best_b = 0;
	for (int i = 0; i < points; i++) {
		for (int j = 0; j < points; j++) {
			double a = exp(la - span + 2 * span * i / (points - 1));
			double b = exp(lb - span + 2 * span * j / (points - 1));
			if (a + b > (double)fit->trials && fit->capped)
				continue;
			double value = pooling_log_likelihood(k, n, count, a, b);
			if (value > best)
				best = value, best_a = a, best_b = b;
		}
	}
	double step = 2 * span / (points - 1);
	assert_true(fit->log_likelihood >= best - 1e-9);
	if (fit->capped) /* the best point of the grid lies near the cap, a step or two away */
		return;
	assert_true(fabs(log(best_a) - la) <= 1.01 * step);
	assert_true(fabs(log(best_b) - lb) <= 1.01 * step);
}

static void pooled_prior_maximises_the_beta_binomial_likelihood(void **state)
{
	(void)state;
	/* six districts near 0.2, one with 3 problems, one with 3,000 */
	int64_t k[] = {20, 25, 18, 22, 30, 16, 3, 900};
	int64_t n[] = {100, 110, 95, 105, 120, 90, 3, 3000};
	struct pooling_fit fit;
	pooling_fit(k, n, 8, 1.0, 1.0, &fit);
	assert_true(fit.fitted && !fit.capped);
	assert_int_equal(fit.districts, 8);
	assert_int_equal(fit.trials, 3623);
	assert_maximum_on_grid(k, n, 8, &fit);
	/* thirty districts from a known beta-binomial, Beta(4, 16) */
	int64_t k2[30], n2[30];
	struct rng g;
	rng_init(&g, 99, 0, 0);
	for (int i = 0; i < 30; i++) {
		n2[i] = 20 + (int64_t)sample_below(&g, 200);
		k2[i] = sample_binomial(&g, n2[i], sample_beta(&g, 4.0, 16.0));
	}
	pooling_fit(k2, n2, 30, 1.0, 1.0, &fit);
	assert_maximum_on_grid(k2, n2, 30, &fit);
	assert_true(fit.alpha / (fit.alpha + fit.beta) > 0.15 && fit.alpha / (fit.alpha + fit.beta) < 0.25);
	/* districts with no trials take no part */
	int64_t k3[] = {0, 20, 25, 18, 22, 30, 16, 3, 900}, n3[] = {0, 100, 110, 95, 105, 120, 90, 3, 3000};
	struct pooling_fit again;
	pooling_fit(k3, n3, 9, 1.0, 1.0, &again);
	pooling_fit(k, n, 8, 1.0, 1.0, &fit);
	assert_true(again.alpha == fit.alpha && again.beta == fit.beta && again.districts == 8);
}

static void pooled_prior_is_capped_when_districts_agree_beyond_binomial_noise(void **state)
{
	(void)state;
	int64_t k[] = {10, 10, 10, 10, 10}, n[] = {100, 100, 100, 100, 100};
	struct pooling_fit fit;
	pooling_fit(k, n, 5, 1.0, 1.0, &fit);
	assert_true(fit.capped);
	assert_close(fit.alpha + fit.beta, 500.0, 1e-9);
	assert_close(fit.alpha / (fit.alpha + fit.beta), 0.1, 0.002);
	assert_maximum_on_grid(k, n, 5, &fit);
	/* nothing to fit: the default prior */
	int64_t zero[] = {0, 0};
	pooling_fit(zero, zero, 2, 1.0, 1.0, &fit);
	assert_true(!fit.fitted && fit.alpha == 1.0 && fit.beta == 1.0);
}

/* One category over eight districts, one week each (O_prev trials, FIXED successes). */
static void pooling_pulls_small_cells_and_leaves_large_ones(void **state)
{
	(void)state;
	static const int64_t k[] = {20, 25, 18, 22, 30, 16, 3, 900};
	static const int64_t n[] = {100, 110, 95, 105, 120, 90, 3, 3000};
	char text[4096] = "version = 1;\ncampaign: { weeks = 2; };\n"
			  "inspection: { window = [1, 2]; batches = 1; };\n"
			  "categories = ( { name = \"main_road\"; weight = 10.0; deduction = 0.2; lottery = 1; } );\n"
			  "defaults: { sites = 10; declared = 2; problems = 10; new_per_week = 1.0;\n"
			  "  rectify_rate = 0.2; rebound = 0.05; };\ndistricts = (\n";
	char reports[4096] = "district,category,week,found,fixed,rebounded,open\n";
	for (int i = 0; i < 8; i++) {
		snprintf(text + strlen(text), sizeof text - strlen(text),
			 "  { name = \"D%d\"; population = 1000.0; satisfaction = 0.8; }%s\n", i + 1,
			 i < 7 ? "," : "");
		snprintf(reports + strlen(reports), sizeof reports - strlen(reports),
			 "D%d,main_road,1,0,%lld,0,%lld\n", i + 1, (long long)k[i], (long long)(n[i] - k[i]));
	}
	strcat(text, ");\nsurvey: { respondents = 100; weight = 20.0; };\n"
		     "pass: { rule = \"threshold\"; threshold = 5.0; };\n");
	struct scenario *s = load_scenario_text(text);
	struct reports r;
	struct diag d;
	diag_init(&d, "pool.csv");
	assert_int_equal(parse_reports(reports, strlen(reports), s, &r, &d), 0);
	diag_free(&d);
	struct calibration plain, pooled;
	estimate(s, &r, 0, 1, &plain);
	estimate(s, &r, 1, 1, &pooled);
	const struct pooling_fit *prior = &pooled.rectify_prior[0];
	double prior_mean = prior->alpha / (prior->alpha + prior->beta);
	/* every posterior is the fitted prior plus the cell's counts, exactly */
	for (int i = 0; i < 8; i++) {
		assert_true(pooled.cells[i].rectify.alpha == prior->alpha + (double)k[i]);
		assert_true(pooled.cells[i].rectify.beta == prior->beta + (double)(n[i] - k[i]));
	}
	/* 3 problems, all fixed: 0.8 alone, near the category when pooled */
	const struct rate_posterior *small_alone = &plain.cells[6].rectify, *small = &pooled.cells[6].rectify;
	assert_close(small_alone->mean, 0.8, 1e-12);
	assert_true(fabs(small->mean - prior_mean) < 0.1 * fabs(small_alone->mean - prior_mean));
	/* 3,000 problems: moves by less than half its posterior sd, and by less
	 * than a hundredth of the small cell's move (here 0.003 against 0.54) */
	const struct rate_posterior *big_alone = &plain.cells[7].rectify, *big = &pooled.cells[7].rectify;
	double sd = sqrt(big_alone->mean * (1 - big_alone->mean) / (big_alone->alpha + big_alone->beta + 1));
	assert_true(fabs(big->mean - big_alone->mean) < 0.5 * sd);
	assert_true(fabs(big->mean - big_alone->mean) < 0.01 * fabs(small->mean - small_alone->mean));
	/* the rebound has no trials (one week each): its prior is the default */
	assert_true(!pooled.rebound_prior[0].fitted && pooled.cells[0].rebound.alpha == 1.0);
	calibrate_free(&plain);
	calibrate_free(&pooled);
	reports_free(&r);
	scenario_free(s);
}

/* ---- files --------------------------------------------------------------- */

static char *overlay_of(const char *reports, int point)
{
	struct scenario *s = load_scenario_file(CITY);
	struct reports r;
	read_reports(reports, s, &r);
	struct calibration c;
	estimate(s, &r, 0, 1, &c);
	struct diag d;
	diag_init(&d, "overlay");
	char *text;
	assert_int_equal(overlay_text(s, &c, point, &text, &d), 0);
	diag_free(&d);
	calibrate_free(&c);
	reports_free(&r);
	scenario_free(s);
	return text;
}

static void three_encodings_give_byte_identical_overlays(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(CITY);
	static const struct {
		const char *file, *encoding;
		char delimiter;
	} files[] = {{DATA "hand.csv", "UTF-8", ','},
		     {DATA "hand-bom-zh.csv", "UTF-8 with BOM", ','},
		     {DATA "hand-gb18030.tsv", "GB18030", '\t'}};
	for (int i = 0; i < 3; i++) {
		struct reports r;
		read_reports(files[i].file, s, &r);
		assert_string_equal(r.encoding, files[i].encoding);
		assert_int_equal(r.delimiter, files[i].delimiter);
		reports_free(&r);
	}
	scenario_free(s);
	char *utf8 = overlay_of(DATA "hand.csv", 0);
	char *bom = overlay_of(DATA "hand-bom-zh.csv", 0);
	char *gb = overlay_of(DATA "hand-gb18030.tsv", 0);
	assert_string_equal(utf8, bom);
	assert_string_equal(utf8, gb);
	assert_non_null(strstr(utf8, "name = \"西固\";"));
	free(utf8);
	free(bom);
	free(gb);
}

static void every_bad_row_is_reported_with_its_line(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(CITY);
	struct reports r;
	struct diag d;
	diag_init(&d, DATA "bad.csv");
	assert_int_equal(reports_read(DATA "bad.csv", s, &r, &d), -1);
	static const struct {
		int line;
		const char *message;
	} expected[] = {
		{3, "Chengguan main_road week 2: open 41 is not 39 - 6 + 1 + 3 = 37"},
		{4, "unknown district 'Chengguang' (nearest: Chengguan)"},
		{5, "unknown category 'main_rd' (nearest: main_road)"},
		{7, "西固 back_street week 3 follows week 1 (line 6): week 2 is missing"},
		{8, "西固 main_road week 1: rebounded 1 in the first week reported"},
		{9, "found -2 is negative"},
		{10, "西固 main_road week 2 is given twice: also at line 9"},
		{11, "found 1.5 is not a whole number"},
		{13, "Chengguan back_street week 2: fixed 31 is more than the 30 open after week 1"},
		{14, "Chengguan back_street week 3: rebounded 32 is more than the 31 fixed in week 2"},
		{15, "3 fields where the header has 7"},
	};
	size_t n = sizeof expected / sizeof *expected;
	for (size_t i = 0; i < n; i++) {
		if (!has_problem(&d, expected[i].line, expected[i].message))
			diag_print(&d, stderr);
		assert_true(has_problem(&d, expected[i].line, expected[i].message));
	}
	assert_int_equal(d.count, (int)n);
	assert_int_equal(diag_worst(&d), DIAG_INPUT);
	assert_int_equal(r.n_rows, 0);
	diag_free(&d);

	diag_init(&d, DATA "missing-column.csv");
	assert_int_equal(reports_read(DATA "missing-column.csv", s, &r, &d), -1);
	assert_true(has_problem(&d, 1, "no column 'rebounded' in the header (accepted names: rebounded, 反弹)"));
	assert_int_equal(d.count, 1);
	diag_free(&d);
	scenario_free(s);
}

/* A table's own problems: its encoding, its quotes, its size. */
static void unreadable_tables_are_refused_with_their_line(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(CITY);
	static const struct {
		const char *text;
		size_t size;
		int line;
		const char *message;
	} cases[] = {
		{"district,category,week,found,fixed,rebounded,open\nChengguan,main_road,1,0,0,0,5\n\xff\xfe\xff,x\n",
		 0, 3, "byte 0xFF is neither UTF-8 nor GB18030"},
		{"\xEF\xBB\xBF" "district,category\n\xC3\x28\n", 0, 2, "not UTF-8 although"},
		{"district,category,week,found,fixed,rebounded,open\nChengguan,\"main_road,1,0,0,0,5\n", 0, 2,
		 "the file ends inside a quoted field"},
		{"district,category,week,found,fixed,rebounded,open\nChen\"gguan,main_road,1,0,0,0,5\n", 0, 2,
		 "a quote (\") inside a field"},
		{"district,category,week,found,fixed,rebounded,open\n", 0, 1, "no rows after the header"},
		{"", 0, 0, "empty"},
		{"district,category,week,found,fixed,rebounded,open\nChengguan,main_road,1,\xEF\xBC\x91,0,0,5\n", 0, 2,
		 "full-width characters"},
		{"district,category,week,found,fixed,rebounded,open\nChengguan,main_road,1,,0,0,5\n", 0, 2,
		 "found is empty"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct reports r;
		struct diag d;
		diag_init(&d, "case.csv");
		assert_int_equal(parse_reports(cases[i].text, strlen(cases[i].text), s, &r, &d), -1);
		if (!has_problem(&d, cases[i].line, cases[i].message))
			diag_print(&d, stderr);
		assert_true(has_problem(&d, cases[i].line, cases[i].message));
		assert_int_equal(diag_worst(&d), DIAG_INPUT);
		diag_free(&d);
	}
	/* a NUL byte (UTF-16 without its byte-order mark) */
	static const char nul[] = "d\0i\0s\0";
	struct reports r;
	struct diag d;
	diag_init(&d, "nul.csv");
	assert_int_equal(parse_reports(nul, sizeof nul - 1, s, &r, &d), -1);
	assert_true(diag_contains(&d, "a NUL byte"));
	diag_free(&d);
	/* UTF-16 with its byte-order mark, as Excel's "Unicode text" writes it */
	char utf16[512];
	const char *ascii = "district\tcategory\tweek\tfound\tfixed\trebounded\topen\r\n"
			    "Chengguan\tmain_road\t1\t4\t5\t0\t39\r\n";
	size_t n = 0;
	utf16[n++] = (char)0xFF, utf16[n++] = (char)0xFE;
	for (const char *c = ascii; *c; c++)
		utf16[n++] = *c, utf16[n++] = '\0';
	diag_init(&d, "utf16.csv");
	assert_int_equal(parse_reports(utf16, n, s, &r, &d), 0);
	assert_string_equal(r.encoding, "UTF-16LE");
	assert_int_equal(r.n_rows, 1);
	assert_int_equal(r.rows[0].open, 39);
	reports_free(&r);
	diag_free(&d);
	scenario_free(s);
}

/* Hostile fields: a value or name of megabytes is shown cut, so that its
 * message still says what is wrong; a row with more fields than the header
 * (a thousands separator, a comma in a remark) is refused, trailing empty
 * fields are not; numbers in other notations are not read as counts. */
static void hostile_fields_leave_the_message_readable(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(CITY);
	static const char header[] = "district,category,week,found,fixed,rebounded,open\n";
	size_t big = 10u << 20;
	char *text = malloc(sizeof header + big + 64);
	assert_non_null(text);
	struct reports r;
	struct diag d;
	/* a 10 MB count */
	int n = sprintf(text, "%sChengguan,main_road,1,4,5,0,", header);
	memset(text + n, '9', big);
	strcpy(text + n + big, "\n");
	diag_init(&d, "big.csv");
	assert_int_equal(parse_reports(text, strlen(text), s, &r, &d), -1);
	assert_int_equal(d.count, 1);
	assert_true(has_problem(&d, 2, "open 9999999999999999999999999999999999999999\xE2\x80\xA6 is more than 1000000000000"));
	assert_true(strlen(d.entries[0].message) < 200);
	diag_free(&d);
	/* a 10 MB district name: cut, and its nearest still named */
	n = sprintf(text, "%sChengguan", header);
	memset(text + n, 'x', big);
	strcpy(text + n + big, ",main_road,1,4,5,0,39\n");
	diag_init(&d, "big.csv");
	assert_int_equal(parse_reports(text, strlen(text), s, &r, &d), -1);
	assert_int_equal(d.count, 1);
	assert_true(has_problem(&d, 2, "xxxxxx\xE2\x80\xA6' (nearest: Chengguan)"));
	assert_true(strlen(d.entries[0].message) < 200);
	diag_free(&d);
	free(text);
	static const struct {
		const char *row;
		const char *message;
	} cases[] = {
		{"Chengguan,main_road,1,1,000,5,0,39\n", "8 fields where the header has 7: a number with a thousands separator"},
		{"Chengguan,main_road,1,4,5,0,39,a remark, with a comma\n", "9 fields where the header has 7"},
		{"Chengguan,main_road,1,1e400,5,0,39\n", "found '1e400' is not a number"},
		{"Chengguan,main_road,1,0x10,5,0,39\n", "found '0x10' is not a number"},
		{"Chengguan,main_road,-1,4,5,0,39\n", "week -1 is negative"},
		{"Chengguan,main_road,2026-03-02,4,5,0,39\n",
		 "week '2026-03-02' is a date, not a week's number (1, 2, ...): ccsim ledger turns"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char row[256];
		snprintf(row, sizeof row, "%s%s", header, cases[i].row);
		diag_init(&d, "case.csv");
		assert_int_equal(parse_reports(row, strlen(row), s, &r, &d), -1);
		if (!has_problem(&d, 2, cases[i].message))
			diag_print(&d, stderr);
		assert_true(has_problem(&d, 2, cases[i].message));
		assert_int_equal(d.count, 1);
		diag_free(&d);
	}
	/* the header again, as when two exports are pasted together: one problem */
	char twice[256];
	snprintf(twice, sizeof twice, "%s%s", header, header);
	diag_init(&d, "case.csv");
	assert_int_equal(parse_reports(twice, strlen(twice), s, &r, &d), -1);
	assert_true(has_problem(&d, 2, "the header again (two files pasted together?)"));
	assert_int_equal(d.count, 1);
	diag_free(&d);
	/* the spaces a Chinese spreadsheet types around a name: ideographic and no-break */
	char spaced[256];
	snprintf(spaced, sizeof spaced, "%s\xE3\x80\x80西固\xC2\xA0 ,back_street\xE3\x80\x80,1,10,20,0,190\n",
		 header);
	diag_init(&d, "case.csv");
	assert_int_equal(parse_reports(spaced, strlen(spaced), s, &r, &d), 0);
	assert_int_equal(r.n_rows, 1);
	assert_int_equal(r.rows[0].cell, 1 * s->n_categories + 1);
	reports_free(&r);
	diag_free(&d);
	/* trailing empty fields, and -0, are fine */
	char row[256];
	snprintf(row, sizeof row, "%sChengguan,main_road,1,4,5,-0,39,,\n", header);
	diag_init(&d, "case.csv");
	assert_int_equal(parse_reports(row, strlen(row), s, &r, &d), 0);
	assert_int_equal(r.n_rows, 1);
	assert_int_equal(r.rows[0].rebounded, 0);
	reports_free(&r);
	diag_free(&d);
	scenario_free(s);
}

/* A cell whose reports inform no rate (nothing open, nothing fixed) gets
 * the prior's mean, 0.5: warned of at its first row, once per rate, with
 * how many cells; not with --pool, nor for a cell with counts. */
static void uninformed_rates_are_warned_of(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(CITY);
	static const char text[] = "district,category,week,found,fixed,rebounded,open\n"
				   "Chengguan,main_road,1,0,0,0,0\n"
				   "Chengguan,main_road,2,0,0,0,0\n"
				   "西固,main_road,1,0,0,0,0\n"
				   "西固,back_street,1,10,20,0,190\n"
				   "西固,back_street,2,12,19,2,185\n";
	struct reports r;
	struct diag d;
	diag_init(&d, "zeros.csv");
	assert_int_equal(parse_reports(text, strlen(text), s, &r, &d), 0);
	for (int pool = 0; pool <= 1; pool++) {
		struct calibrate_options o = {.pool = pool, .seed = 7, .threads = 1};
		struct calibration c;
		assert_int_equal(calibrate_estimate(s, &r, &o, &c, &d), 0);
		const struct cell_estimate *e = find_cell(s, &c, "Chengguan", "main_road");
		assert_int_equal(e->rectify.trials, 0);
		if (pool) {
			assert_int_equal(d.count, 0);
		} else {
			assert_true(e->rectify.mean == 0.5);
			assert_int_equal(d.count, 2);
			assert_int_equal(diag_errors(&d), 0);
			assert_true(has_problem(&d, 2, "2 districts-and-categories (the first: Chengguan "
						       "main_road) had no problem open before any of their weeks"));
			assert_true(has_problem(&d, 2, "2 districts-and-categories (the first: Chengguan "
						       "main_road) had no fix followed by a reported week"));
		}
		calibrate_free(&c);
		diag_free(&d);
		diag_init(&d, "zeros.csv");
	}
	diag_free(&d);
	reports_free(&r);
	scenario_free(s);
}

/* A quoted field across lines keeps the lines of the rows after it right. */
static void records_keep_their_lines(void **state)
{
	(void)state;
	const char *text = "a,b\n\n\"x\ny\",1\n,\n2,\"3\"\r\n";
	struct csv_table t;
	struct diag d;
	diag_init(&d, "lines.csv");
	assert_int_equal(csv_table_parse(text, strlen(text), "lines.csv", &t, &d), 0);
	assert_int_equal(t.n_records, 3);
	assert_int_equal(t.line[0], 1);
	assert_int_equal(t.line[1], 3);
	assert_string_equal(csv_table_field(&t, 1, 0), "x\ny");
	assert_int_equal(t.line[2], 6); /* the blank row ",", line 5, is left out */
	assert_string_equal(csv_table_field(&t, 2, 1), "3");
	csv_table_free(&t);
	diag_free(&d);
}

/* ---- the overlay --------------------------------------------------------- */

static void overlay_reads_back_as_the_estimates(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(DEMO);
	struct reports r;
	read_reports(DEMO_REPORTS, s, &r);
	struct calibration c;
	estimate(s, &r, 0, 0, &c);
	struct diag d;
	diag_init(&d, "overlay");
	char *text;
	assert_int_equal(overlay_text(s, &c, 0, &text, &d), 0);
	config_t cfg;
	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE)
		fail_msg("overlay line %d: %s", config_error_line(&cfg), config_error_text(&cfg));
	/* every value as a setting of the base scenario, as a layered file sets it */
	config_setting_t *districts = config_lookup(&cfg, "districts");
	assert_non_null(districts);
	struct parameter_setting *settings = calloc(4 * (size_t)c.n_cells, sizeof *settings);
	char (*paths)[128] = calloc(4 * (size_t)c.n_cells, sizeof *paths);
	int n = 0;
	static const char *const keys[] = {"problems", "rectify_rate", "rebound", "new_per_week"};
	for (int i = 0; i < config_setting_length(districts); i++) {
		config_setting_t *entry = config_setting_get_elem(districts, (unsigned)i);
		const char *name;
		assert_true(config_setting_lookup_string(entry, "name", &name));
		for (int k = 0; k < 4; k++) {
			config_setting_t *group = config_setting_get_member(entry, keys[k]);
			assert_non_null(group);
			for (int j = 0; j < config_setting_length(group); j++) {
				config_setting_t *value = config_setting_get_elem(group, (unsigned)j);
				snprintf(paths[n], 128, "districts.%s.%s.%s", name, keys[k],
					 config_setting_name(value));
				settings[n].path = paths[n];
				settings[n].value = config_setting_get_float(value);
				if (k == 0) {
					assert_int_equal(config_setting_type(value), CONFIG_TYPE_INT);
					settings[n].value = config_setting_get_int(value);
				} else {
					assert_int_equal(config_setting_type(value), CONFIG_TYPE_FLOAT);
				}
				n++;
			}
		}
	}
	assert_int_equal(n, 4 * c.n_cells);
	struct scenario *merged = scenario_load_file_with(DEMO, settings, n, &d);
	if (merged == NULL)
		diag_print(&d, stderr);
	assert_non_null(merged);
	for (int i = 0; i < c.n_cells; i++) {
		const struct cell_estimate *e = &c.cells[i];
		const struct cell *cell = scenario_cell(merged, e->district, e->category);
		assert_int_equal(cell->problems, e->open_last);
		assert_true(cell->rectify_rate == e->rectify.mean);
		assert_true(cell->rebound == e->rebound.mean);
		assert_true(cell->new_per_week == e->arrivals.mean);
	}
	/* the posteriors: one uncertain entry per estimate, exact */
	config_setting_t *uncertain = config_lookup(&cfg, "uncertain");
	assert_non_null(uncertain);
	assert_int_equal(config_setting_length(uncertain), 3 * c.n_cells);
	config_setting_t *first = config_setting_get_elem(uncertain, 0);
	const char *path, *dist;
	double alpha, beta;
	assert_true(config_setting_lookup_string(first, "path", &path));
	assert_string_equal(path, "districts.Chengguan.rectify_rate.main_road");
	assert_true(config_setting_lookup_string(first, "dist", &dist));
	assert_string_equal(dist, "beta");
	assert_true(config_setting_lookup_float(first, "alpha", &alpha));
	assert_true(config_setting_lookup_float(first, "beta", &beta));
	assert_true(alpha == c.cells[0].rectify.alpha && beta == c.cells[0].rectify.beta);
	config_setting_t *third = config_setting_get_elem(uncertain, 2);
	double shape, rate;
	assert_true(config_setting_lookup_float(third, "shape", &shape));
	assert_true(config_setting_lookup_float(third, "rate", &rate));
	assert_true(shape == c.cells[0].arrivals.shape && rate == 12.0);
	config_destroy(&cfg);
	/* --point: the same districts, no uncertain entries */
	char *point;
	assert_int_equal(overlay_text(s, &c, 1, &point, &d), 0);
	assert_null(strstr(point, "uncertain ="));
	const char *point_districts = strstr(point, "\ndistricts = (");
	const char *text_districts = strstr(text, "\ndistricts = (");
	assert_non_null(point_districts);
	size_t length = strlen(point_districts);
	assert_int_equal(strncmp(point_districts, text_districts, length), 0);
	assert_int_equal(strncmp(text_districts + length, "\nuncertain = (", 14), 0);
	free(point);
	scenario_free(merged);
	free(settings);
	free(paths);
	free(text);
	diag_free(&d);
	calibrate_free(&c);
	reports_free(&r);
	scenario_free(s);
}

/* ---- the fit check ------------------------------------------------------- */

static void fit_check_flags_the_reporting_change_whatever_the_threads(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(DEMO);
	struct reports r;
	read_reports(DEMO_REPORTS, s, &r);
	struct calibration one, two;
	estimate(s, &r, 0, 1, &one);
	estimate(s, &r, 0, 2, &two);
	assert_int_equal(one.n_cells, 110);
	assert_memory_equal(one.bands, two.bands, 3 * (size_t)r.n_rows * sizeof *one.bands);
	/* make_reports.py doubles Qilihe's restaurant problems from week 7 */
	const struct cell_estimate *changed = find_cell(s, &one, "Qilihe", "small_restaurant");
	assert_true(changed->flagged);
	assert_true(changed->share < CALIBRATE_FLAG_BELOW);
	assert_int_equal(one.flagged, 1);
	for (int i = 0; i < one.n_cells; i++) {
		const struct cell_estimate *e = &one.cells[i];
		for (int t = 0; t < e->weeks; t++)
			assert_true(e->band[3 * t] <= e->band[3 * t + 1] && e->band[3 * t + 1] <= e->band[3 * t + 2]);
		assert_int_equal(two.cells[i].inside, e->inside);
	}
	calibrate_free(&one);
	calibrate_free(&two);
	reports_free(&r);
	scenario_free(s);
}

/* ---- the ledger ---------------------------------------------------------- */

static void dates_are_read_in_the_office_formats(void **state)
{
	(void)state;
	long day, other;
	assert_int_equal(ledger_parse_date("1970-01-01", &day), 0);
	assert_int_equal(day, 0);
	assert_int_equal(ledger_parse_date("2026-03-02", &day), 0);
	assert_int_equal(ledger_parse_date("2026/3/2", &other), 0);
	assert_int_equal(day, other);
	assert_int_equal(ledger_parse_date("2026年3月2日", &other), 0);
	assert_int_equal(day, other);
	assert_int_equal(ledger_parse_date("2026.03.02 17:45", &other), 0);
	assert_int_equal(day, other);
	assert_int_equal(ledger_parse_date("2026-03-02T08:00:00", &other), 0);
	assert_int_equal(day, other);
	assert_int_equal(ledger_parse_date("2024-02-29", &day), 0);
	assert_int_equal(ledger_parse_date("2024-03-01", &other), 0);
	assert_int_equal(other - day, 1);
	char text[16];
	ledger_format_date(day, text);
	assert_string_equal(text, "2024-02-29");
	static const char *const bad[] = {"2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
					  "26-03-02",   "2026-03",    "2026/03-02", "2026年3月2",
					  "",           "march 2",    "2026-03-02x"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(ledger_parse_date(bad[i], &day), -1);
}

static void ledger_follows_the_readme_rules(void **state)
{
	(void)state;
	long start;
	assert_int_equal(ledger_parse_date("2026-03-02", &start), 0);
	char *csv;
	struct ledger_summary summary;
	struct diag d;
	diag_init(&d, DATA "ledger.csv");
	assert_int_equal(ledger_read(DATA "ledger.csv", start, 4, &csv, &summary, &d), 0);
	char *expected = read_whole(DATA "ledger-expected.csv");
	assert_string_equal(csv, expected);
	assert_int_equal(summary.problems, 15);
	assert_int_equal(summary.counted, 12);
	assert_int_equal(summary.outside, 3);
	assert_int_equal(summary.cells, 2);
	free(csv);
	/* without --weeks: through the week of the latest date (2026-04-02, week 5) */
	assert_int_equal(ledger_read(DATA "ledger.csv", start, 0, &csv, &summary, &d), 0);
	assert_int_equal(summary.weeks, 5);
	/* Chinese headers, the same problems */
	char *ledger = read_whole(DATA "ledger.csv");
	const char *english = "district,category,found,fixed,reopened";
	assert_int_equal(strncmp(ledger, english, strlen(english)), 0);
	char *chinese = malloc(strlen(ledger) + 64);
	sprintf(chinese, "区,类别,发现日期,整改日期,反弹日期%s", ledger + strlen(english));
	struct csv_table t;
	assert_int_equal(csv_table_parse(chinese, strlen(chinese), "zh.csv", &t, &d), 0);
	char *again;
	assert_int_equal(ledger_reports(&t, "zh.csv", start, 4, &again, &summary, &d), 0);
	assert_string_equal(again, expected);
	/* the reports keep calibrate's identity */
	struct scenario *s = load_scenario_file(CITY);
	struct reports r;
	assert_int_equal(parse_reports(csv, strlen(csv), s, &r, &d), 0);
	reports_free(&r);
	scenario_free(s);
	csv_table_free(&t);
	free(again);
	free(chinese);
	free(ledger);
	free(expected);
	free(csv);
	assert_int_equal(d.count, 0);
	diag_free(&d);
}

static void bad_ledger_rows_are_reported_with_their_line(void **state)
{
	(void)state;
	const char *text = "district,category,found,fixed,reopened\n"
			   "A,x,2026-03-05,2026-03-01,\n"
			   "A,x,2026-03-05,,2026-03-09\n"
			   "A,x,2026-03-05,2026-03-09,2026-03-08\n"
			   "A,x,2026-02-30,,\n"
			   ",x,,,\n"
			   "A,x,2026-03-05,,\n";
	struct csv_table t;
	struct diag d;
	diag_init(&d, "ledger.csv");
	assert_int_equal(csv_table_parse(text, strlen(text), "ledger.csv", &t, &d), 0);
	long start;
	ledger_parse_date("2026-03-02", &start);
	char *csv;
	struct ledger_summary summary;
	assert_int_equal(ledger_reports(&t, "ledger.csv", start, 0, &csv, &summary, &d), -1);
	assert_null(csv);
	assert_true(has_problem(&d, 2, "fixed 2026-03-01 is before found 2026-03-05"));
	assert_true(has_problem(&d, 3, "reopened without a date fixed"));
	assert_true(has_problem(&d, 4, "reopened 2026-03-08 is before fixed 2026-03-09"));
	assert_true(has_problem(&d, 5, "found '2026-02-30' is not a date"));
	assert_true(has_problem(&d, 6, "district is empty"));
	assert_true(has_problem(&d, 6, "found is empty"));
	assert_int_equal(d.count, 6);
	csv_table_free(&t);
	diag_free(&d);
	/* a missing column names the accepted names */
	text = "district,category,found,fixed\nA,x,2026-03-05,\n";
	diag_init(&d, "ledger.csv");
	assert_int_equal(csv_table_parse(text, strlen(text), "ledger.csv", &t, &d), 0);
	assert_int_equal(ledger_reports(&t, "ledger.csv", start, 0, &csv, &summary, &d), -1);
	assert_true(has_problem(&d, 1, "no column 'reopened' in the header (accepted names: reopened, "
					"反弹日期, 反弹, 复发日期)"));
	csv_table_free(&t);
	diag_free(&d);
	/* a header alone; rows too short or too long; the dates' reasons, named
	 * by the header as written */
	static const struct {
		const char *text;
		int line;
		const char *message;
	} cases[] = {
		{"district,category,found,fixed,reopened\n", 1, "no rows after the header"},
		{"district,category,found,fixed,reopened\nA,x\n", 2, "2 fields where the header has 5"},
		{"district,category,found,fixed,reopened\ndistrict,category,found,fixed,reopened\n", 2,
		 "the header again (two files pasted together?)"},
		{"district,category,found,fixed,reopened\nA,x,2026-03-05,,,1,000\n", 2,
		 "7 fields where the header has 5: a number with a thousands separator"},
		{"区,类别,发现日期,整改日期,反弹日期\nA,x,2026-02-30,,\n", 2,
		 "发现日期 '2026-02-30' is not a date: 2026-02 has no day 30"},
		{"district,category,found,fixed,reopened\nA,x,2026-03-05,2026-13-01,\n", 2,
		 "fixed '2026-13-01' is not a date: there is no month 13"},
		{"district,category,found,fixed,reopened\nA,x,1899-12-31,,\n", 2,
		 "found '1899-12-31' is not a date: the year 1899 is before 1900"},
		{"district,category,found,fixed,reopened\nA,x,3/5/2026,,\n", 2,
		 "found '3/5/2026' is not a date: write YYYY-MM-DD (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		diag_init(&d, "ledger.csv");
		assert_int_equal(csv_table_parse(cases[i].text, strlen(cases[i].text), "ledger.csv", &t, &d), 0);
		assert_int_equal(ledger_reports(&t, "ledger.csv", start, 0, &csv, &summary, &d), -1);
		assert_null(csv);
		if (!has_problem(&d, cases[i].line, cases[i].message))
			diag_print(&d, stderr);
		assert_true(has_problem(&d, cases[i].line, cases[i].message));
		assert_int_equal(d.count, 1);
		csv_table_free(&t);
		diag_free(&d);
	}
	/* 2024-02-29 is a date, 2025-02-29 is not */
	long day;
	char why[200];
	assert_int_equal(ledger_parse_date("2024-02-29", &day), 0);
	assert_int_equal(ledger_parse_date("2025-02-29", &day), -1);
	assert_string_equal(ledger_date_why("2025-02-29", why, sizeof why), "2025-02 has no day 29");
	/* a mistyped year: the reports run a century, with a warning naming its line */
	text = "district,category,found,fixed,reopened\nA,x,2026-03-05,,\nA,x,2126-03-05,,\n";
	diag_init(&d, "ledger.csv");
	assert_int_equal(csv_table_parse(text, strlen(text), "ledger.csv", &t, &d), 0);
	assert_int_equal(ledger_reports(&t, "ledger.csv", start, 0, &csv, &summary, &d), 0);
	assert_int_equal(summary.weeks, 5219);
	assert_int_equal(diag_errors(&d), 0);
	assert_true(has_problem(&d, 3, "the latest date, 2126-03-05, is 5219 weeks after --start"));
	free(csv);
	csv_table_free(&t);
	diag_free(&d);
}

/* Whatever the dates, the weekly reports keep the identity calibrate checks. */
static void random_ledgers_give_consistent_reports(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(CITY);
	long start;
	ledger_parse_date("2026-03-02", &start);
	static const char *const districts[] = {"Chengguan", "西固"};
	static const char *const categories[] = {"main_road", "back_street"};
	for (uint64_t trial = 0; trial < 20; trial++) {
		struct rng g;
		rng_init(&g, 5, trial, 0);
		char *text;
		size_t size;
		FILE *out = open_memstream(&text, &size);
		fprintf(out, "district,category,found,fixed,reopened\n");
		for (int i = 0; i < 400; i++) {
			char found[16], fixed[16] = "", reopened[16] = "";
			long day = start - 30 + (long)sample_below(&g, 100);
			ledger_format_date(day, found);
			if (sample_bernoulli(&g, 0.7)) {
				day += (long)sample_below(&g, 21);
				ledger_format_date(day, fixed);
				if (sample_bernoulli(&g, 0.3))
					ledger_format_date(day + (long)sample_below(&g, 16), reopened);
			}
			fprintf(out, "%s,%s,%s,%s,%s\n", districts[sample_below(&g, 2)],
				categories[sample_below(&g, 2)], found, fixed, reopened);
		}
		fclose(out);
		struct csv_table t;
		struct diag d;
		diag_init(&d, "random.csv");
		assert_int_equal(csv_table_parse(text, size, "random.csv", &t, &d), 0);
		char *csv;
		struct ledger_summary summary;
		assert_int_equal(ledger_reports(&t, "random.csv", start, 8, &csv, &summary, &d), 0);
		assert_int_equal(summary.counted + summary.outside, 400);
		struct reports r;
		int status = parse_reports(csv, strlen(csv), s, &r, &d);
		if (status != 0)
			diag_print(&d, stderr);
		assert_int_equal(status, 0);
		assert_int_equal(r.n_rows, 4 * 8);
		reports_free(&r);
		free(csv);
		csv_table_free(&t);
		diag_free(&d);
		free(text);
	}
	scenario_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_computed_posteriors_equal_their_sums_exactly),
		cmocka_unit_test(intervals_cover_known_rates_in_95_percent_of_2000_cells),
		cmocka_unit_test(pooled_prior_maximises_the_beta_binomial_likelihood),
		cmocka_unit_test(pooled_prior_is_capped_when_districts_agree_beyond_binomial_noise),
		cmocka_unit_test(pooling_pulls_small_cells_and_leaves_large_ones),
		cmocka_unit_test(three_encodings_give_byte_identical_overlays),
		cmocka_unit_test(every_bad_row_is_reported_with_its_line),
		cmocka_unit_test(unreadable_tables_are_refused_with_their_line),
		cmocka_unit_test(hostile_fields_leave_the_message_readable),
		cmocka_unit_test(uninformed_rates_are_warned_of),
		cmocka_unit_test(records_keep_their_lines),
		cmocka_unit_test(overlay_reads_back_as_the_estimates),
		cmocka_unit_test(fit_check_flags_the_reporting_change_whatever_the_threads),
		cmocka_unit_test(dates_are_read_in_the_office_formats),
		cmocka_unit_test(ledger_follows_the_readme_rules),
		cmocka_unit_test(bad_ledger_rows_are_reported_with_their_line),
		cmocka_unit_test(random_ledgers_give_consistent_reports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
