/*
 * table: text tables for the terminal whose columns line up whatever the
 * script: widths are display widths (a CJK character takes two columns),
 * a cell is never cut inside a UTF-8 character, and a cell cut to fit its
 * column ends with an ellipsis.
 */
#ifndef CCSIM_TABLE_H
#define CCSIM_TABLE_H

#include <stddef.h>
#include <stdio.h>

enum table_align { TABLE_LEFT, TABLE_RIGHT };

struct table;

/* A table of COLUMNS columns, or NULL when out of memory. */
struct table *table_new(int columns);
void table_free(struct table *t);

/* Column COLUMN's header, alignment, and widest allowed display width (0: any). */
void table_column(struct table *t, int column, const char *header, enum table_align align,
		  int max_width);

/* Appends a row of the table's column count of CELLS (copied; NULL for
 * empty). Returns 0, or -1 when out of memory (the table then prints
 * nothing but says so). */
int table_row(struct table *t, const char *const *cells);

/* As table_row, the cells formatted printf-style, separated by '\t' in FMT's result. */
int table_rowf(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the header, then the rows, each line after INDENT spaces, columns
 * two spaces apart. Returns 0, or -1 when the table ran out of memory. */
int table_print(const struct table *t, FILE *out, int indent);

/*
 * Copies into OUT (SIZE bytes) as much of TEXT as fits in WIDTH display
 * columns, whole characters only, ending with "…" when cut. Returns the
 * display width of what was copied.
 */
int table_fit(const char *text, int width, char *out, size_t size);

#endif
