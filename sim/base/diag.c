#include "diag.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(struct diag *d, const char *file)
{
	d->file = file;
	d->entries = NULL;
	d->count = 0;
	d->capacity = 0;
	d->out_of_memory = 0;
}

static void entry_free(struct diag_entry *e)
{
	free(e->file);
	free(e->plugin);
	free(e->hook);
	free(e->message);
}

void diag_free(struct diag *d)
{
	for (int i = 0; i < d->count; i++)
		entry_free(&d->entries[i]);
	free(d->entries);
	d->entries = NULL;
	d->count = d->capacity = 0;
	d->out_of_memory = 0;
}

static char *copy_or_null(const char *text, int *failed)
{
	if (text == NULL)
		return NULL;
	char *copy = strdup(text);
	if (copy == NULL)
		*failed = 1;
	return copy;
}

/* Room for one more entry: 0, or -1 (the list is then marked). */
static int reserve(struct diag *d)
{
	if (d->count < d->capacity)
		return 0;
	int capacity = d->capacity ? 2 * d->capacity : 8;
	struct diag_entry *grown = realloc(d->entries, (size_t)capacity * sizeof *grown);
	if (grown == NULL) {
		d->out_of_memory = 1;
		return -1;
	}
	d->entries = grown;
	d->capacity = capacity;
	return 0;
}

/* Appends an entry, taking MESSAGE; on failure frees it and marks the list. */
static void append(struct diag *d, enum diag_kind kind, const char *file, int line,
		   const char *plugin, const char *hook, char *message)
{
	int failed = message == NULL;
	struct diag_entry e = {kind, copy_or_null(file, &failed), line, copy_or_null(plugin, &failed),
			       copy_or_null(hook, &failed), message};
	if (failed || reserve(d) != 0) {
		entry_free(&e);
		d->out_of_memory = 1;
		return;
	}
	d->entries[d->count++] = e;
}

static char *format_message(const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int length = vsnprintf(NULL, 0, fmt, ap);
	char *message = length < 0 ? NULL : malloc((size_t)length + 1);
	if (message != NULL)
		vsnprintf(message, (size_t)length + 1, fmt, again);
	va_end(again);
	return message;
}

void diag_add(struct diag *d, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *message = format_message(fmt, ap);
	va_end(ap);
	append(d, DIAG_INPUT, NULL, line, NULL, NULL, message);
}

void diag_add_at(struct diag *d, enum diag_kind kind, const char *file, int line,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *message = format_message(fmt, ap);
	va_end(ap);
	append(d, kind, file, line, NULL, NULL, message);
}

void diag_add_plugin(struct diag *d, const char *plugin, const char *hook, const char *file,
		     int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *message = format_message(fmt, ap);
	va_end(ap);
	append(d, DIAG_PLUGIN, file, line, plugin ? plugin : "?", hook ? hook : "?", message);
}

void diag_no_memory(struct diag *d, const char *what)
{
	diag_add_at(d, DIAG_NO_MEMORY, NULL, 0, _("out of memory while %s"), what);
	d->out_of_memory = 1;
}

void diag_move(struct diag *to, struct diag *from)
{
	for (int i = 0; i < from->count; i++) {
		struct diag_entry e = from->entries[i];
		int failed = 0;
		/* an entry without a file of its own keeps FROM's name */
		if (e.file == NULL && from->file != NULL)
			e.file = copy_or_null(from->file, &failed);
		if (failed || reserve(to) != 0) {
			entry_free(&e);
			to->out_of_memory = 1;
			continue;
		}
		to->entries[to->count++] = e;
	}
	to->out_of_memory |= from->out_of_memory;
	free(from->entries);
	from->entries = NULL;
	from->count = from->capacity = 0;
	from->out_of_memory = 0;
}

enum diag_kind diag_worst(const struct diag *d)
{
	enum diag_kind worst = DIAG_WARNING;
	for (int i = 0; i < d->count; i++)
		if (d->entries[i].kind > worst)
			worst = d->entries[i].kind;
	if (d->out_of_memory && worst < DIAG_NO_MEMORY)
		worst = DIAG_NO_MEMORY;
	return worst;
}

int diag_errors(const struct diag *d)
{
	int n = d->out_of_memory;
	for (int i = 0; i < d->count; i++)
		n += d->entries[i].kind != DIAG_WARNING;
	return n;
}

static const char *entry_file(const struct diag *d, const struct diag_entry *e)
{
	return e->file ? e->file : d->file ? d->file : "";
}

void diag_format(const struct diag *d, const struct diag_entry *e, char *out, size_t size)
{
	const char *file = entry_file(d, e);
	char where[1200];
	if (e->line > 0)
		snprintf(where, sizeof where, "%s:%d: ", file, e->line);
	else if (*file)
		snprintf(where, sizeof where, "%s: ", file);
	else
		where[0] = '\0';
	if (e->plugin)
		snprintf(out, size, "%s: %s: %s%s", e->plugin, e->hook, where, e->message);
	else
		snprintf(out, size, "%s%s%s", where, e->kind == DIAG_WARNING ? _("warning: ") : "",
			 e->message);
}

/* Entry A against entry B: by file, then by line. */
static int entry_order(const struct diag *d, const struct diag_entry *a,
		       const struct diag_entry *b)
{
	int c = strcmp(entry_file(d, a), entry_file(d, b));
	return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

/* Sorts ORDER[0, N) by entry_order, stably (a merge sort through SPARE). */
static void sort_order(const struct diag *d, int *order, int *spare, int n)
{
	if (n < 2)
		return;
	int half = n / 2;
	sort_order(d, order, spare, half);
	sort_order(d, order + half, spare, n - half);
	int i = 0, j = half, k = 0;
	while (i < half && j < n)
		spare[k++] = entry_order(d, &d->entries[order[j]], &d->entries[order[i]]) < 0
				     ? order[j++] : order[i++];
	while (i < half)
		spare[k++] = order[i++];
	while (j < n)
		spare[k++] = order[j++];
	memcpy(order, spare, (size_t)n * sizeof *order);
}

void diag_print(const struct diag *d, FILE *out)
{
	char text[4096];
	int n = d->count;
	int *order = malloc(2 * (size_t)(n ? n : 1) * sizeof *order);
	for (int i = 0; order && i < n; i++)
		order[i] = i;
	if (order)
		sort_order(d, order, order + n, n);
	/* without memory to sort, the entries print in the order found */
	for (int i = 0; i < n; i++) {
		diag_format(d, &d->entries[order ? order[i] : i], text, sizeof text);
		fprintf(out, "%s\n", text);
	}
	free(order);
	if (d->out_of_memory)
		fprintf(out, "%s%sout of memory: some problems could not be recorded\n",
			d->file ? d->file : "", d->file ? ": " : "");
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
