/*
 * watchdog: lets week calls run without Lua's count hook, which stops the
 * interpreter at every instruction (about a fifth of a hooked scenario's
 * time). A timer on the thread's CPU clock signals the thread every
 * WATCHDOG_PERIOD_NS; a call still running at two ticks in a row (between
 * one and two periods of CPU) is interrupted: the signal handler sets the
 * count hook, as Lua's own interpreter does on Ctrl-C, and the call is
 * then run again from its start with every instruction counted
 * (week.c), so that the budget and the errors are those of a counted run.
 *
 * The handler finds the call through a thread-local pointer, set only
 * while a call runs on that thread: a tick outside a call, or one from a
 * timer left over from a lane that has moved to another thread, does
 * nothing harmful (at worst a call is counted again).
 *
 * Where no such timer can be made (another platform, a signal already in
 * use), every call is counted, as before.
 */
#define _GNU_SOURCE /* SIGEV_THREAD_ID, gettid */
#include "plugin_int.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* CPU time between two ticks: a call is interrupted after one to two. */
#define WATCHDOG_PERIOD_NS 5000000L

#if defined(SIGEV_THREAD_ID) && defined(__linux__)
#define WATCHDOG_SIGNAL (SIGRTMIN + 6)

/* The watchdog of the call running on this thread, or NULL: the only state
 * a signal handler can reach (Lua's own interpreter keeps a static one). */
static _Thread_local struct watchdog *volatile watching;

static void watchdog_tick(int signal)
{
	(void)signal;
	struct watchdog *w = watching;
	if (w == NULL)
		return;
	if (w->serial == w->seen)
		sandbox_interrupt(w->sb);
	w->seen = w->serial;
}

/* Installs the handler: 0, or -1 when the signal is someone else's. */
static int install_handler(void)
{
	struct sigaction old, ours;
	if (sigaction(WATCHDOG_SIGNAL, NULL, &old) != 0)
		return -1;
	if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler == watchdog_tick)
		return 0;
	if (old.sa_flags & SA_SIGINFO || (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN))
		return -1;
	memset(&ours, 0, sizeof ours);
	ours.sa_handler = watchdog_tick;
	ours.sa_flags = SA_RESTART;
	sigemptyset(&ours.sa_mask);
	return sigaction(WATCHDOG_SIGNAL, &ours, NULL);
}

/* A timer on this thread's CPU clock, signalling this thread: 0 or -1. */
static int start_timer(struct watchdog *w)
{
	if (install_handler() != 0)
		return -1;
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = WATCHDOG_SIGNAL;
	ev._sigev_un._tid = gettid(); /* sigev_notify_thread_id, which this glibc does not name */
	if (timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &w->timer) != 0)
		return -1;
	struct itimerspec every = {.it_interval = {0, WATCHDOG_PERIOD_NS},
				   .it_value = {0, WATCHDOG_PERIOD_NS}};
	if (timer_settime(w->timer, 0, &every, NULL) != 0) {
		timer_delete(w->timer);
		return -1;
	}
	return 0;
}

int watchdog_enter(struct watchdog *w, struct sandbox *sb)
{
	if (w->unavailable)
		return -1;
	if (!w->armed || !pthread_equal(w->owner, pthread_self())) {
		/* first call, or the lane now runs on another thread */
		watchdog_stop(w);
		int saved = errno;
		if (start_timer(w) != 0) {
			errno = saved;
			w->unavailable = 1;
			return -1;
		}
		errno = saved;
		w->armed = 1;
		w->owner = pthread_self();
	}
	w->sb = sb;
	w->serial = (w->serial + 1) & 0x3fffffff;
	watching = w;
	return 0;
}

void watchdog_leave(struct watchdog *w)
{
	(void)w;
	watching = NULL;
}

void watchdog_stop(struct watchdog *w)
{
	if (w->armed)
		timer_delete(w->timer);
	w->armed = 0;
}

#else /* no per-thread CPU timers: every call is counted */

int watchdog_enter(struct watchdog *w, struct sandbox *sb)
{
	(void)w;
	(void)sb;
	return -1;
}

void watchdog_leave(struct watchdog *w)
{
	(void)w;
}

void watchdog_stop(struct watchdog *w)
{
	(void)w;
}

#endif
