/*
 * text: copies of strings for the scenario and plugin structures. Running
 * out of memory while reading a scenario is not recoverable in any useful
 * way, so a failed copy aborts rather than return NULL.
 */
#ifndef CCSIM_TEXT_H
#define CCSIM_TEXT_H

/* A malloc'ed copy of TEXT; aborts when out of memory. */
char *text_copy(const char *text);

#endif
