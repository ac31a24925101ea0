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
 * use or blocked on the thread), every call is counted, as before.
 *
 * The timer ticks while its thread runs, inside a call or not (a run's
 * threads stop their timers when the run ends): its handler is installed
 * with SA_RESTART, so an interrupted read or write resumes; a poll or a
 * sleep on a run's thread (Open MPI's exchange between rounds) may
 * return EINTR, which such loops retry.
 */
#define _GNU_SOURCE /* SIGEV_THREAD_ID, gettid */
#include "plugin_int.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* CPU time between two ticks: a call is interrupted after one to two
 * (CPU timers fire on the kernel's ticks: about 5 to 20 ms). */
#define WATCHDOG_PERIOD_NS 5000000L

#if defined(SIGEV_THREAD_ID) && defined(__linux__)

/* The watchdog of the call running on this thread, or NULL: the only state
 * a signal handler can reach (Lua's own interpreter keeps a static one). */
static _Thread_local struct watchdog *volatile watching;

/* This thread's id, once asked (a thread-local starts at 0 in every new
 * thread: a thread that reuses an ended one's pthread_t is told apart). */
static _Thread_local pid_t this_thread;

static pid_t thread_id(void)
{
	if (this_thread == 0)
		this_thread = gettid();
	return this_thread;
}

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
	/* a signal blocked here (a mask inherited through exec) would never
	 * end a runaway call: count every call instead */
	sigset_t mask;
	if (pthread_sigmask(SIG_BLOCK, NULL, &mask) != 0 || sigismember(&mask, WATCHDOG_SIGNAL))
		return -1;
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = WATCHDOG_SIGNAL;
#ifdef sigev_notify_thread_id
	ev.sigev_notify_thread_id = thread_id();
#else
	ev._sigev_un._tid = thread_id(); /* glibc 2.36 does not name the field */
#endif
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
	if (!w->armed || w->owner != thread_id()) {
		/* first call, or the lane now runs on another thread; the calls
		 * that fail here must not change what errno says to the caller */
		watchdog_stop(w);
		int saved = errno;
		if (start_timer(w) != 0) {
			errno = saved;
			w->unavailable = 1;
			return -1;
		}
		errno = saved;
		w->armed = 1;
		w->owner = thread_id();
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
