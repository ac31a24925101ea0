/* Tables whose columns line up by display width, and text cut only
 * between whole characters. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "i18n.h"
#include "table.h"

static void widths_count_columns(void **state)
{
	(void)state;
	assert_int_equal(i18n_width("Xigu"), 4);
	assert_int_equal(i18n_width("西固区"), 6);
	assert_int_equal(i18n_width("A西b"), 4);
	assert_int_equal(i18n_width(""), 0);
	/* an invalid byte counts one column and does not stop the count */
	assert_int_equal(i18n_width("a\xff" "b"), 3);
}

static void fit_cuts_whole_characters(void **state)
{
	(void)state;
	char out[64];
	/* fits: unchanged */
	assert_int_equal(table_fit("西固区", 6, out, sizeof out), 6);
	assert_string_equal(out, "西固区");
	/* 5 columns: two characters (4) and the ellipsis (1) */
	assert_int_equal(table_fit("西固区", 5, out, sizeof out), 5);
	assert_string_equal(out, "西固…");
	/* 4 columns: one character (2) and the ellipsis; never half a character */
	assert_int_equal(table_fit("西固区", 4, out, sizeof out), 3);
	assert_string_equal(out, "西…");
	assert_int_equal(table_fit("loss_probability", 8, out, sizeof out), 8);
	assert_string_equal(out, "loss_pr…");
	/* a small buffer still holds whole characters and a terminator */
	char tiny[5];
	table_fit("西固区", 6, tiny, sizeof tiny);
	assert_true(strlen(tiny) < sizeof tiny);
	assert_int_equal(strlen(tiny) % 3, 0);
}

/* Every line of the printed table has its second column at the same display column. */
static void columns_line_up(void **state)
{
	(void)state;
	struct table *t = table_new(3);
	assert_non_null(t);
	table_column(t, 0, "district", TABLE_LEFT, 0);
	table_column(t, 1, "P(last)", TABLE_RIGHT, 0);
	table_column(t, 2, "note", TABLE_LEFT, 6);
	assert_int_equal(table_rowf(t, "%s\t%.1f %%\t%s", "西固区", 12.5, "ok"), 0);
	assert_int_equal(table_rowf(t, "%s\t%.1f %%\t%s", "Chengguan", 3.0, "a long note here"), 0);
	assert_int_equal(table_rowf(t, "%s\t%.1f %%\t%s", "七里河区东", 0.5, "注意注意注意"), 0);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	assert_int_equal(table_print(t, out, 2), 0);
	fclose(out);
	table_free(t);
	assert_non_null(strstr(text, "注意…"));
	assert_non_null(strstr(text, "a lon…"));
	/* the end of the right-aligned column is at the same width on every line */
	int ends = -1, lines = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
		char *pct = strstr(line, "%");
		char *head = strstr(line, "P(last)");
		char *end = pct ? pct + 1 : head ? head + strlen("P(last)") : NULL;
		assert_non_null(end);
		char saved = *end;
		*end = '\0';
		int w = i18n_width(line);
		*end = saved;
		if (ends < 0)
			ends = w;
		assert_int_equal(w, ends);
		/* the note column is cut to 6 columns, whole characters */
		assert_true(i18n_width(end) <= 2 + 6);
	}
	assert_int_equal(lines, 4);
	free(text);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(widths_count_columns),
		cmocka_unit_test(fit_cuts_whole_characters),
		cmocka_unit_test(columns_line_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
