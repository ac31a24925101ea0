/*
 * assert_close: a double-precision tolerance check. cmocka 1.1.5's
 * assert_float_equal casts to float (and without parentheses, so that
 * `a - b` becomes `(float)a - b`): it cannot check a tolerance below about
 * 1e-7 relative, and the tests here need 1e-12.
 */
#ifndef CCSIM_TESTS_ASSERT_CLOSE_H
#define CCSIM_TESTS_ASSERT_CLOSE_H

#include <math.h>

#define assert_close(a, b, tolerance) \
	assert_close_at((double)(a), (double)(b), (double)(tolerance), #a, #b, __FILE__, __LINE__)

static inline void assert_close_at(double a, double b, double tolerance, const char *a_text,
				   const char *b_text, const char *file, int line)
{
	if (!(fabs(a - b) <= tolerance)) {
		print_error("%s = %.17g and %s = %.17g differ by more than %g\n", a_text, a, b_text, b,
			    tolerance);
		_fail(file, line);
	}
}

#endif
