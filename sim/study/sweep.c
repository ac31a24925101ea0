#include "sweep.h"
#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sweep_result_free(struct sweep_result *r)
{
	free(r->points);
	r->points = NULL;
	r->n_points = 0;
}

/* A whole-number parameter's grid: 1 when rounded, 0 when whole, -1 (the
 * reason in D) when rounding runs a value twice. */
static int check_whole(const struct design_input *in, struct diag *d)
{
	if (!in->integer)
		return 0;
	int rounded = 0, twice = 0;
	char values[256] = "";
	size_t used = 0;
	for (int i = 0; i < in->steps; i++) {
		double exact = in->lo + (double)i / (in->steps - 1) * (in->hi - in->lo);
		double v = design_value(in, (double)i / (in->steps - 1));
		rounded |= fabs(exact - v) > 1e-9;
		twice |= i > 0 && v == design_value(in, (double)(i - 1) / (in->steps - 1));
		if (used < sizeof values - 32)
			used += (size_t)snprintf(values + used, sizeof values - used, "%s%g", i ? ", " : "", v);
	}
	if (twice) {
		diag_add_at(d, DIAG_INPUT, NULL, 0, _("%s takes whole numbers: %g:%g:%d would run %s, a value "
			    "twice; choose steps that give each whole number once (e.g. %g:%g:%d)"),
			    in->path, in->lo, in->hi, in->steps, values, in->lo, in->hi,
			    (int)fabs(round(in->hi) - round(in->lo)) + 1);
		return -1;
	}
	return rounded;
}

int sweep_run(struct study *st, const struct design_input *parameters, int n,
	      struct sweep_result *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	if (n < 1 || n > SWEEP_MAX_PARAMETERS) {
		diag_add_at(d, DIAG_INPUT, NULL, 0, _("a sweep takes 1 or 2 parameters"));
		return -1;
	}
	out->header = study_header(st, "sweep");
	out->n_parameters = n;
	memcpy(out->parameters, parameters, (size_t)n * sizeof *parameters);
	if (design_check_inputs(st, out->parameters, n, d) != 0)
		return -1;
	for (int i = 0; i < n; i++)
		if ((out->rounded[i] = check_whole(&out->parameters[i], d)) < 0)
			return -1;
	int rows = out->parameters[0].steps, columns = n == 2 ? out->parameters[1].steps : 1;
	out->points = calloc((size_t)rows * (size_t)columns, sizeof *out->points);
	if (out->points == NULL) {
		diag_no_memory(d, _("preparing the sweep"));
		return -1;
	}
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < columns; c++) {
			struct sweep_point *point = &out->points[out->n_points];
			struct parameter_setting settings[SWEEP_MAX_PARAMETERS];
			int at[SWEEP_MAX_PARAMETERS] = {r, c};
			for (int i = 0; i < n; i++) {
				const struct design_input *in = &out->parameters[i];
				point->values[i] = design_value(in, (double)at[i] / (in->steps - 1));
				settings[i] = (struct parameter_setting){in->path, point->values[i], 0, 0};
			}
			if (design_run_point(st, settings, n, &point->at, d) != 0) {
				sweep_result_free(out);
				return -1;
			}
			out->n_points++;
		}
	}
	return 0;
}
