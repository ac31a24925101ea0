#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(struct diag *d, const char *file)
{
	d->file = file;
	d->entries = NULL;
	d->count = 0;
	d->capacity = 0;
}

void diag_free(struct diag *d)
{
	for (int i = 0; i < d->count; i++)
		free(d->entries[i].message);
	free(d->entries);
	d->entries = NULL;
	d->count = d->capacity = 0;
}

void diag_add(struct diag *d, int line, const char *fmt, ...)
{
	char *message;
	va_list ap;

	va_start(ap, fmt);
	int length = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (length < 0)
		length = 0;
	message = malloc((size_t)length + 1);
	if (message == NULL)
		abort(); /* out of memory while reporting: nothing sensible is left */
	va_start(ap, fmt);
	vsnprintf(message, (size_t)length + 1, fmt, ap);
	va_end(ap);

	if (d->count == d->capacity) {
		int capacity = d->capacity ? 2 * d->capacity : 8;
		struct diag_entry *grown = realloc(d->entries, (size_t)capacity * sizeof *grown);
		if (grown == NULL)
			abort();
		d->entries = grown;
		d->capacity = capacity;
	}
	d->entries[d->count].line = line;
	d->entries[d->count].message = message;
	d->count++;
}

void diag_print(const struct diag *d, FILE *out)
{
	/* Insertion sort by line keeps equal lines in the order found. */
	int n = d->count;
	int *order = malloc((size_t)(n ? n : 1) * sizeof *order);
	if (order == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		int j = i;
		while (j > 0 && d->entries[order[j - 1]].line > d->entries[i].line) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (int i = 0; i < n; i++) {
		const struct diag_entry *e = &d->entries[order[i]];
		if (e->line > 0)
			fprintf(out, "%s:%d: %s\n", d->file, e->line, e->message);
		else
			fprintf(out, "%s: %s\n", d->file, e->message);
	}
	free(order);
}

int diag_contains(const struct diag *d, const char *needle)
{
	for (int i = 0; i < d->count; i++)
		if (strstr(d->entries[i].message, needle) != NULL)
			return 1;
	return 0;
}

void diag_format_number(double value, char *out, size_t size)
{
	snprintf(out, size, "%.15g", value);
	if (strtod(out, NULL) != value)
		snprintf(out, size, "%.17g", value);
}
