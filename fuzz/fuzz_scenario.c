/*
 * libFuzzer harness for the scenario loader: any text must load or be
 * refused with messages, never crash, leak or read out of bounds. A text
 * that loads is also simulated for two replications when it is small, so
 * that whatever validation lets through is safe to run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "replication.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* @include reads other files (a fuzzer may name /dev/zero): out of scope */
	if (strstr(text, "@include") != NULL) {
		free(text);
		return 0;
	}
	struct diag d;
	diag_init(&d, "fuzz.cfg");
	struct scenario *s = scenario_load_string(text, &d);
	if (s != NULL) {
		FILE *sink = fopen("/dev/null", "w");
		if (sink != NULL) {
			scenario_print(s, sink);
			fclose(sink);
		}
		double work = (double)s->n_districts * s->n_categories * s->weeks * s->batches;
		if (work < 1e5) {
			struct inversion_tables *tables = inversion_tables_new();
			struct replication_workspace *w = replication_workspace_new(s, tables);
			for (uint64_t i = 0; w != NULL && i < 2; i++)
				replication_run(s, 1, i, w);
			replication_workspace_free(w);
			inversion_tables_free(tables);
		}
		scenario_free(s);
	} else if (d.count == 0) {
		abort(); /* a refusal must say why */
	}
	diag_free(&d);
	free(text);
	return 0;
}
