/*
 * outputs: the files a command will write, checked before it reads or
 * simulates anything, so that a long run never ends in a file it cannot
 * write or, worse, in one it destroys.
 */
#ifndef CCSIM_OUTPUTS_H
#define CCSIM_OUTPUTS_H

#include "cli.h"

/*
 * Refuses, with a message naming COMMAND, an output of PATHS[N] (NULL
 * entries are absent) that is the same file as an input of INPUTS[N_INPUTS]
 * or as another output, that names something other than a regular file (a
 * FIFO, a device, a directory, a symbolic link), or whose folder does not
 * exist or cannot be written. Returns EXIT_OK or EXIT_INPUT.
 */
int outputs_check_paths(const char *command, const char *const *paths, int n,
			const char *const *inputs, int n_inputs);

/* Refuses an output of PATHS[N] that is one of the files SRC was read from
 * (an @include'd file: outputs_check_paths has refused the scenario's own).
 * EXIT_OK or EXIT_INPUT. */
int outputs_check_read(const char *command, const char *const *paths, int n,
		       const struct scenario_source *src);

/* outputs_check_paths for O's --json and --csv. */
int outputs_check(const char *command, const struct cli_options *o, const char *const *inputs,
		  int n_inputs);

#endif
