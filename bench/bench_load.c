/*
 * bench_load: the time to read, resolve and validate a scenario with many
 * districts (issue 12: 100,000 districts in under 2 s; loading is linear).
 * Usage: bench_load [DISTRICTS [CATEGORIES]] (default 100000 and 11): writes
 * such a city to a temporary file, loads it at 1/4, 1/2 and all of its
 * districts, and prints the seconds and microseconds per district.
 * bench_load --file PATH loads PATH alone (for a profile).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The demo's categories: names as a planner writes them. libconfig 1.5
 * checks each new key of a group against the keys before it, comparing
 * names character by character with two strchr calls a character. Names
 * sharing a nine-letter prefix (category_0 ... category_10) made strchr a
 * fifth of the load's CPU and the load about 15 % slower than these, most
 * of which differ at their first or second letter. */
static const char *const demo_categories[] = {
	"main_road", "back_street", "old_compound", "farmers_market", "park_square", "public_toilet",
	"small_restaurant", "internet_cafe", "business_hall", "intersection", "construction_site",
};
enum { DEMO_CATEGORIES = sizeof demo_categories / sizeof demo_categories[0] };

/* Category c's name: the demo's first, then category_N. */
static void category_name(char *name, size_t size, int c)
{
	if (c < DEMO_CATEGORIES)
		snprintf(name, size, "%s", demo_categories[c]);
	else
		snprintf(name, size, "category_%d", c);
}

/* A valid city of D districts and C categories, each district with its own
 * per-category problems, written to PATH. */
static void write_city(const char *path, int D, int C)
{
	char name[32];
	FILE *out = fopen(path, "w");
	if (out == NULL) {
		perror(path);
		exit(1);
	}
	fprintf(out, "version = 1;\nname = \"Bench %d\";\ncampaign: { weeks = 12; };\n"
		"inspection: { window = [9, 12]; batches = 2; };\ncategories = (\n", D);
	for (int c = 0; c < C; c++) {
		category_name(name, sizeof name, c);
		fprintf(out, "  { name = \"%s\"; weight = 3.0; deduction = 0.2; lottery = 2; "
			"random_view = 1; prepared = 0.6; }%s\n", name, c + 1 < C ? "," : "");
	}
	fprintf(out, ");\ndefaults: { rectify_rate = 0.15; rebound = 0.05; new_per_week = 1.0; "
		"sites = 20; declared = 4; };\ndistricts = (\n");
	for (int d = 0; d < D; d++) {
		fprintf(out, "  { name = \"District %d\"; population = %d.0; satisfaction = 0.86; "
			"satisfaction_concentration = 300.0; problems = {", d, 10000 + d % 977);
		for (int c = 0; c < C; c++) {
			category_name(name, sizeof name, c);
			fprintf(out, " %s = %d;", name, (d + c) % 50);
		}
		fprintf(out, " }; rectify_rate = 0.18; }%s\n", d + 1 < D ? "," : "");
	}
	fprintf(out, ");\nsurvey: { respondents = 100000000; weight = 20.0; veto_below = 80.0; };\n"
		"pass: { rule = \"threshold\"; threshold = 85.0; };\n");
	fclose(out);
}

static double load(const char *path, double *cpu_seconds)
{
	struct diag d;
	diag_init(&d, path);
	double start = now();
	clock_t cpu = clock();
	struct scenario *s = scenario_load_file(path, &d);
	double seconds = now() - start;
	*cpu_seconds = (double)(clock() - cpu) / CLOCKS_PER_SEC;
	if (s == NULL) {
		diag_print(&d, stderr);
		exit(1);
	}
	scenario_free(s);
	diag_free(&d);
	return seconds;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--file") == 0) { /* one file, for profiling */
		double cpu, seconds = load(argv[2], &cpu);
		printf("  %s: loaded and validated in %.3f s (CPU %.3f s)\n", argv[2], seconds, cpu);
		return 0;
	}
	int D = argc > 1 ? atoi(argv[1]) : 100000;
	int C = argc > 2 ? atoi(argv[2]) : 11;
	if (D < 4 || C < 1) {
		fprintf(stderr, "usage: bench_load [DISTRICTS >= 4 [CATEGORIES >= 1]]\n");
		return 2;
	}
	char path[] = "/tmp/ccsim-bench-load-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	for (int share = 4; share >= 1; share /= 2) {
		int n = D / share;
		write_city(path, n, C);
		double cpu;
		double seconds = load(path, &cpu);
		printf("  %7d districts x %d categories: loaded and validated in %.3f s (CPU %.3f s, "
		       "%.2f us a district)\n", n, C, seconds, cpu, 1e6 * cpu / n);
	}
	unlink(path);
	return 0;
}
