/* num.h — small numerically stable scalar helpers shared by the modules. */
#ifndef GL_NUM_H
#define GL_NUM_H

#include <math.h>

/* softplus(t) = log(1 + e^t), exact to rounding for every t, +inf at +inf. */
static inline double gl_softplus(double t)
{
    return t > 0 ? t + log1p(exp(-t)) : log1p(exp(t));
}

/* sigmoid(t) = 1/(1 + e^-t) without overflow. */
static inline double gl_sigmoid(double t)
{
    if (t >= 0)
        return 1.0 / (1.0 + exp(-t));
    double e = exp(t);
    return e / (1.0 + e);
}

/* log(e^a + e^b), with -inf as the log of zero. */
static inline double gl_logaddexp(double a, double b)
{
    if (a == -INFINITY)
        return b;
    if (b == -INFINITY)
        return a;
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

#endif
