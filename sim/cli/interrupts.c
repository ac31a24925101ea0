#include "interrupts.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t received;          /* the first signal's number, 0: none */
static volatile sig_atomic_t stop;              /* the run was asked to stop */
static volatile sig_atomic_t graceful;          /* a run: the first signal stops it */
static volatile sig_atomic_t holding;           /* output is being written */
static volatile sig_atomic_t exit_when_released; /* a signal came while holding */

static void on_signal(int signal)
{
	if (received == 0)
		received = signal;
	if (holding) {
		exit_when_released = 1;
		return;
	}
	if (graceful && !stop) {
		stop = 1;
		return;
	}
	_exit(128 + signal);
}

void interrupts_catch(void)
{
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction action;
	memset(&action, 0, sizeof action);
	action.sa_handler = on_signal;
	action.sa_flags = SA_RESTART; /* a held signal must not cut a write short */
	sigemptyset(&action.sa_mask);
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		sigaction(signals[i], &action, NULL);
}

volatile sig_atomic_t *interrupts_stop_flag(void)
{
	return &stop;
}

void interrupts_graceful(int on)
{
	graceful = on;
}

void interrupts_hold(int on)
{
	if (on) {
		holding = 1;
		return;
	}
	fflush(stdout);
	holding = 0;
	if (exit_when_released)
		_exit(interrupts_status()); /* the files are whole, the summary printed */
}

int interrupts_status(void)
{
	return 128 + (received ? received : SIGINT);
}
