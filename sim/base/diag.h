/*
 * diag: the library's one error convention. A function that can fail
 * returns a status (0, or -1) and says why in a struct diag: a list of
 * problems, each with where it lies (file and line, and for a plugin's
 * error the plugin and hook) and what kind it is, so that a planner sees
 * every problem at once and the command line alone decides the exit status.
 *
 * Running out of memory while recording a problem never aborts: the list
 * remembers that memory ran out (diag_worst says DIAG_NO_MEMORY) and prints
 * a sentence saying so.
 */
#ifndef CCSIM_DIAG_H
#define CCSIM_DIAG_H

#include <stdio.h>

/* What went wrong, from the least to the most severe as the command line
 * sees it; warnings are entries too, and never fail a command by themselves. */
enum diag_kind {
	DIAG_WARNING = 0,   /* valid, but almost surely not what was meant */
	DIAG_INPUT,         /* the scenario, a file or a flag: the user's to fix */
	DIAG_PLUGIN,        /* a policy plugin's own error */
	DIAG_NO_MEMORY,     /* memory ran out */
	DIAG_SYSTEM         /* a file could not be written, a thread not started */
};

struct diag_entry {
	enum diag_kind kind;
	char *file;        /* NULL: the list's own file */
	int line;          /* 0: the problem belongs to no line (the file as a whole) */
	char *plugin;      /* a plugin's error: its file stem and hook; else NULL */
	char *hook;
	char *message;
};

struct diag {
	const char *file;  /* borrowed: the name entries without a file of their own are reported under */
	struct diag_entry *entries;
	int count;
	int capacity;
	int out_of_memory; /* an entry could not be recorded */
};

/* Starts an empty list whose entries are reported under FILE. */
void diag_init(struct diag *d, const char *file);

/* Frees every entry; the list may be reused after diag_init. */
void diag_free(struct diag *d);

/* Adds one input problem at LINE (0 for none) of the list's file, printf-style. */
void diag_add(struct diag *d, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Adds one entry of KIND at FILE:LINE (FILE NULL: the list's file). */
void diag_add_at(struct diag *d, enum diag_kind kind, const char *file, int line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Adds a plugin's error: PLUGIN (file stem), HOOK (load, setup, week, ...),
 * and where in the plugin's FILE (may be NULL) at LINE (0: unknown). */
void diag_add_plugin(struct diag *d, const char *plugin, const char *hook, const char *file,
		     int line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Records that memory ran out while doing WHAT (a phrase). */
void diag_no_memory(struct diag *d, const char *what);

/* Moves every entry of FROM to the end of TO (FROM is left empty). */
void diag_move(struct diag *to, struct diag *from);

/* The most severe kind among the entries (DIAG_WARNING when none or only
 * warnings); DIAG_NO_MEMORY when an entry could not be recorded. */
enum diag_kind diag_worst(const struct diag *d);

/* The number of entries that are not warnings. */
int diag_errors(const struct diag *d);

/*
 * Prints every entry, sorted by file then line (stable): input problems as
 * "FILE:LINE: message", warnings as "FILE:LINE: warning: message", a
 * plugin's as "PLUGIN: HOOK: FILE:LINE: message".
 */
void diag_print(const struct diag *d, FILE *out);

/* Entry E as diag_print prints it, without the newline, into OUT. */
void diag_format(const struct diag *d, const struct diag_entry *e, char *out, size_t size);

/* Writes VALUE in the shortest form that reads back exactly (%.15g, else
 * %.17g), so that 1.4 prints as 1.4 and 1.0000001 never as 1. */
void diag_format_number(double value, char *out, size_t size);

/* Returns 1 when some entry's message contains NEEDLE (for tests). */
int diag_contains(const struct diag *d, const char *needle);

#endif
