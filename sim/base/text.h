/*
 * text: copies of strings for the scenario and plugin structures.
 *
 * Every function returns NULL when memory runs out, leaving nothing
 * allocated: the caller says so in its struct diag (diag_no_memory) and
 * fails, as the library never aborts.
 */
#ifndef CCSIM_TEXT_H
#define CCSIM_TEXT_H

/* A malloc'ed copy of TEXT, or NULL when out of memory. */
char *text_copy(const char *text);

/*
 * A malloc'ed array of copies of TEXTS[0..N-1] (N >= 0), with a NULL after
 * the last, or NULL when out of memory. Free it with text_free_array.
 */
char **text_copy_array(char *const *texts, int n);

/* Frees TEXTS[0..N-1] (each may be NULL) and TEXTS itself (may be NULL). */
void text_free_array(char **texts, int n);

#endif
