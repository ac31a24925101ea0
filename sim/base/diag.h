/*
 * diag: the problems found in a scenario, collected so that a planner sees
 * every one of them at once, each as "FILE:LINE: message".
 */
#ifndef CCSIM_DIAG_H
#define CCSIM_DIAG_H

#include <stdio.h>

struct diag_entry {
	int line;          /* 0: the problem belongs to no line (the file as a whole) */
	char *message;
};

struct diag {
	const char *file;  /* borrowed: the name every entry is reported under */
	struct diag_entry *entries;
	int count;
	int capacity;
};

/* Starts an empty list whose entries are reported under FILE. */
void diag_init(struct diag *d, const char *file);

/* Frees every entry; the list may be reused after diag_init. */
void diag_free(struct diag *d);

/* Adds one problem at LINE (0 for none), printf-style. */
void diag_add(struct diag *d, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prints every problem, sorted by line (stable), as "FILE:LINE: message". */
void diag_print(const struct diag *d, FILE *out);

/* Writes VALUE in the shortest form that reads back exactly (%.15g, else
 * %.17g), so that 1.4 prints as 1.4 and 1.0000001 never as 1. */
void diag_format_number(double value, char *out, size_t size);

/* Returns 1 when some entry's message contains NEEDLE (for tests). */
int diag_contains(const struct diag *d, const char *needle);

#endif
