/*
 * interrupts: Ctrl-C (SIGINT), SIGTERM and SIGHUP, for every command alike.
 *
 * While a run allows it (interrupts_graceful), the first signal asks the
 * run to stop at its next replication; otherwise, or the second time, the
 * process ends at once with 128 + the signal's number, writing nothing.
 * While output is being written and the summary printed (interrupts_hold),
 * a signal waits: the files are renamed whole into place, the summary
 * agrees with them, and only then does the process end. The signal may
 * reach any thread, OpenMP's workers included, so the handler decides by
 * flags alone, never by signal masks. These flags are the executable's only
 * state outside main().
 */
#ifndef CCSIM_INTERRUPTS_H
#define CCSIM_INTERRUPTS_H

#include <signal.h>

/* Installs the handler for SIGINT, SIGTERM and SIGHUP. */
void interrupts_catch(void);

/* The flag a run polls (run_options.stop): nonzero once asked to stop. */
volatile sig_atomic_t *interrupts_stop_flag(void);

/* While ON, the first signal asks the run to stop instead of ending the process. */
void interrupts_graceful(int on);

/* Holds signals (ON 1) while output is written and printed; releasing them
 * (ON 0) ends the process then, with 128 + the signal, when one came. */
void interrupts_hold(int on);

/* The exit status of the signal that stopped a run: 128 + its number (130 for Ctrl-C). */
int interrupts_status(void);

#endif
