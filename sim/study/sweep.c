#include "sweep.h"

#include <stdlib.h>
#include <string.h>

void sweep_result_free(struct sweep_result *r)
{
	free(r->points);
	r->points = NULL;
	r->n_points = 0;
}

int sweep_run(struct study *st, const struct design_input *parameters, int n,
	      struct sweep_result *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	if (n < 1 || n > SWEEP_MAX_PARAMETERS) {
		diag_add_at(d, DIAG_INPUT, NULL, 0, "a sweep takes 1 or 2 parameters");
		return -1;
	}
	out->header = study_header(st, "sweep");
	out->n_parameters = n;
	memcpy(out->parameters, parameters, (size_t)n * sizeof *parameters);
	if (design_check_inputs(st, out->parameters, n, d) != 0)
		return -1;
	int rows = out->parameters[0].steps, columns = n == 2 ? out->parameters[1].steps : 1;
	out->points = calloc((size_t)rows * (size_t)columns, sizeof *out->points);
	if (out->points == NULL) {
		diag_no_memory(d, "preparing the sweep");
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
