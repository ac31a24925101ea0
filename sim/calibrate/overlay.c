#include "overlay.h"

#include <stdio.h>
#include <string.h>

#include "calibrate_text.h"
#include "i18n.h"

/* Whether NAME can be a setting's name in libconfig: [A-Za-z][-A-Za-z0-9_]*. */
static int is_setting_name(const char *name)
{
	if (!((*name >= 'A' && *name <= 'Z') || (*name >= 'a' && *name <= 'z')))
		return 0;
	for (const char *c = name; *c != '\0'; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		      *c == '_' || *c == '-'))
			return 0;
	return 1;
}

/* TEXT as the inside of a libconfig string, on one line: a quote, a
 * backslash and the control characters (a line break would end the header's
 * comment and cannot stand in a string) escaped. */
static void put_string(struct text_buffer *b, const char *text)
{
	static const char escaped[] = "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
				      "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f";
	for (const char *c = text; *c != '\0';) {
		size_t run = strcspn(c, escaped);
		text_buffer_printf(b, "%.*s", (int)run, c);
		c += run;
		if (*c == '\0')
			break;
		if (*c == '"' || *c == '\\')
			text_buffer_printf(b, "\\%c", *c);
		else if (*c == '\n' || *c == '\t' || *c == '\r')
			text_buffer_printf(b, "\\%c", *c == '\n' ? 'n' : *c == '\t' ? 't' : 'r');
		else
			text_buffer_printf(b, "\\x%02x", (unsigned char)*c);
		c++;
	}
}

static void put_header(struct text_buffer *b, const struct scenario *s, const struct calibration *c,
		       int point)
{
	text_buffer_printf(b, "# Written by ccsim calibrate: the weekly reports' estimates for \"");
	put_string(b, s->name ? s->name : "");
	text_buffer_printf(b,
			   "\",\n# to read on top of its scenario: ccsim run CITY.cfg+THIS.cfg\n"
			   "# %d report rows, weeks %d to %d, %d districts-and-categories.\n"
			   "# problems: the last week's open count. rectify_rate, rebound: posterior\n"
			   "# means, prior %s; new_per_week: posterior mean, prior Gamma(0.5, 0).\n",
			   c->n_rows, c->first_week, c->last_week, c->n_cells,
			   c->pooled ? "Beta(a0, b0) fitted per category (calibrate --pool)" : "Beta(1, 1)");
	if (point)
		text_buffer_printf(b, "# Point estimates only (calibrate --point): no `uncertain` entries.\n");
	else
		text_buffer_printf(b, "# `uncertain` draws each estimate from its posterior in every "
				      "replication.\n");
}

/* The `KEY = { ... };` group of district entry cells C[FIRST..END). */
static void put_group(struct text_buffer *b, const struct scenario *s, const struct cell_estimate *cells,
		      int first, int end, const char *key)
{
	text_buffer_printf(b, "    %s = {\n", key);
	for (int i = first; i < end; i++) {
		const struct cell_estimate *e = &cells[i];
		text_buffer_printf(b, "      %s = ", s->categories[e->category].name);
		if (strcmp(key, "problems") == 0) {
			text_buffer_printf(b, "%lld;  # was %lld\n", (long long)e->open_last,
					   (long long)e->was.problems);
			continue;
		}
		const struct rate_posterior *p = strcmp(key, "rectify_rate") == 0 ? &e->rectify
						 : strcmp(key, "rebound") == 0 ? &e->rebound : NULL;
		double mean = p ? p->mean : e->arrivals.mean;
		double was = p == &e->rectify ? e->was.rectify_rate
			     : p == &e->rebound ? e->was.rebound : e->was.new_per_week;
		calibrate_text_real(b, mean);
		if (p != NULL)
			text_buffer_printf(b, ";  # 95 %%: %.3g to %.3g; %lld of %lld; was %.4g\n", p->low,
					   p->high, (long long)p->successes, (long long)p->trials, was);
		else
			text_buffer_printf(b, ";  # 95 %%: %.3g to %.3g; %lld in %d weeks; was %.4g\n",
					   e->arrivals.low, e->arrivals.high, (long long)e->arrivals.total,
					   e->weeks, was);
	}
	text_buffer_printf(b, "    };\n");
}

static void put_uncertain(struct text_buffer *b, const struct scenario *s, const struct cell_estimate *e,
			  const char *key)
{
	text_buffer_printf(b, "  { path = \"districts.");
	put_string(b, s->districts[e->district].name);
	text_buffer_printf(b, ".%s.%s\"; ", key, s->categories[e->category].name);
	if (strcmp(key, "new_per_week") == 0) {
		text_buffer_printf(b, "dist = \"gamma\"; shape = ");
		calibrate_text_real(b, e->arrivals.shape);
		text_buffer_printf(b, "; rate = ");
		calibrate_text_real(b, e->arrivals.rate);
	} else {
		const struct rate_posterior *p = strcmp(key, "rebound") == 0 ? &e->rebound : &e->rectify;
		text_buffer_printf(b, "dist = \"beta\"; alpha = ");
		calibrate_text_real(b, p->alpha);
		text_buffer_printf(b, "; beta = ");
		calibrate_text_real(b, p->beta);
	}
	text_buffer_printf(b, "; }");
}

int overlay_text(const struct scenario *s, const struct calibration *c, int point, char **text,
		 struct diag *d)
{
	*text = NULL;
	int errors = 0;
	for (int k = 0; k < s->n_categories; k++) {
		if (!is_setting_name(s->categories[k].name)) {
			diag_add(d, 0, _("category '%s' cannot be written in the overlay: a key of a group is "
				       "ASCII letters, digits, '_' and '-', starting with a letter"),
				 s->categories[k].name);
			errors++;
		}
	}
	if (errors)
		return -1;
	static const char *const keys[] = {"problems", "rectify_rate", "rebound", "new_per_week"};
	struct text_buffer b = {0};
	put_header(&b, s, c, point);
	text_buffer_printf(&b, "\ndistricts = (\n");
	for (int i = 0; i < c->n_cells;) {
		int end = i;
		while (end < c->n_cells && c->cells[end].district == c->cells[i].district)
			end++;
		text_buffer_printf(&b, "  { name = \"");
		put_string(&b, s->districts[c->cells[i].district].name);
		text_buffer_printf(&b, "\";\n");
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
			put_group(&b, s, c->cells, i, end, keys[k]);
		text_buffer_printf(&b, "  }%s\n", end < c->n_cells ? "," : "");
		i = end;
	}
	text_buffer_printf(&b, ");\n");
	if (!point) {
		text_buffer_printf(&b, "\nuncertain = (\n");
		for (int i = 0; i < c->n_cells; i++) {
			for (size_t k = 1; k < sizeof keys / sizeof *keys; k++) {
				put_uncertain(&b, s, &c->cells[i], keys[k]);
				int last = i == c->n_cells - 1 && k == sizeof keys / sizeof *keys - 1;
				text_buffer_printf(&b, "%s\n", last ? "" : ",");
			}
		}
		text_buffer_printf(&b, ");\n");
	}
	*text = text_buffer_take(&b);
	if (*text == NULL) {
		diag_no_memory(d, _("writing the overlay"));
		return -1;
	}
	return 0;
}
