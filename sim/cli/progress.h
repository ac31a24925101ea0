/*
 * progress: a bar on stderr while a command runs: done, rate, time left.
 * Shown only when stderr is a terminal and the command is not --quiet.
 */
#ifndef CCSIM_PROGRESS_H
#define CCSIM_PROGRESS_H

#include <stdint.h>

struct progress_bar {
	int shown;
	double started;
	int drawn;
};

void progress_start(struct progress_bar *bar, int quiet);

/* A run_options progress callback; CONTEXT is the bar. */
void progress_update(void *context, int64_t done, int64_t total);

/* Ends the bar's line. */
void progress_finish(struct progress_bar *bar);

#endif
