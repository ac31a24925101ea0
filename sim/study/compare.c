#include "compare.h"
#include "i18n.h"

#include <stdlib.h>
#include <string.h>

void compare_result_free(struct compare_result *r)
{
	for (int v = 0; v < r->n; v++)
		run_result_free(&r->variants[v].result);
	for (int v = 1; v < LIMIT_VARIANTS; v++)
		study_variant_free(&r->prepared[v]);
	r->n = 0;
}

int compare_run(struct study *st, const struct compare_spec *specs, int n,
		const struct run_options *options, struct compare_result *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	if (n < 1 || n > LIMIT_VARIANTS) {
		diag_add_at(d, DIAG_INPUT, NULL, 0, _("compare takes 1 to %d variants"), LIMIT_VARIANTS);
		return -1;
	}
	out->prepared[0] = st->base; /* borrowed */
	for (int v = 1; v < n; v++)
		if (study_prepare(st, specs[v].source, specs[v].settings, specs[v].n_settings, NULL,
				  NULL, &out->prepared[v], d) != 0) {
			compare_result_free(out);
			return -1;
		}
	struct run_result results[LIMIT_VARIANTS];
	struct pairing pairings[LIMIT_VARIANTS];
	if (study_run_variants(out->prepared, n, options, results, pairings, d) != 0) {
		compare_result_free(out);
		return -1;
	}
	out->n = n;
	out->header = study_header(st, "compare");
	out->header.scenario = out->prepared[0].scenario->name;
	out->header.replications = results[0].replications;
	out->header.seconds = results[0].seconds;
	out->precision = options->precision;
	for (int v = 0; v < n; v++) {
		struct compare_variant *c = &out->variants[v];
		c->name = specs[v].name;
		c->settings = specs[v].settings;
		c->n_settings = specs[v].n_settings;
		c->scenario = out->prepared[v].scenario;
		c->policies = study_variant_policies(&out->prepared[v]);
		c->result = results[v];
		c->pairing = pairings[v];
	}
	return 0;
}
