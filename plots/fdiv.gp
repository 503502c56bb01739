# SPDX-License-Identifier: GPL-3.0-or-later
# fdiv.gp — the f-divergence catalogue, the JS conjugates, the variational
# bound and learned critics.
# Reads dir/generators.tsv (u, f of each entry), dir/js-conj.tsv (t, closed and
# numeric conjugates of the three JS generators), dir/bound-eps.tsv (eps, gap
# per divergence) and dir/critic-t.tsv (x, T* and learned T per divergence).
load "plots/style.gp"

# (a) the generators
set output dir."/fdiv-generators.png"
set title "The catalogue's generators f(u): convex, f(1) = 0 (gan: f(1) = -log 4)"
set xlabel "u = p/q"
set ylabel "f(u)"
set xrange [0:4]
set yrange [-1.6:3]
set key top left maxrows 3
set arrow 1 from 1, graph 0 to 1, graph 1 nohead dt 3 lc rgb "#888888"
plot for [k=2:10] dir."/generators.tsv" using 1:k with lines lw 2 title columnhead(k)
unset arrow 1; unset title

# (b) the three JS conjugates
set output dir."/fdiv-js-conjugates.png"
set title "2·JSD from three generators: f* moves (lines: closed forms, points: sup_u {tu - f(u)} by Brent), D_f does not"
set xlabel "t"
set ylabel "f*(t)"
set xrange [-4:1.05]
set yrange [-1.5:2.5]
set key top left
set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 3 lc rgb "#2c7bb6"
set arrow 2 from log(2), graph 0 to log(2), graph 1 nohead dt 3 lc rgb "#d7191c"
set arrow 3 from 1, graph 0 to 1, graph 1 nohead dt 3 lc rgb "#008837"
set samples 2000
fn(t) = t < 0 ? -log(1 - exp(t)) - log(4) : 1/0
fg(t) = t < log(2) ? -log(2 - exp(t)) : 1/0
fs(t) = fn(t - 1) + 1
plot fn(x) with lines ls 3 lw 2.5 title "notes: f = u log u - (u+1) log(u+1) + log 4,  f* = -log(1-e^t) - log 4", \
     dir."/js-conj.tsv" every 3 using 1:3 with points ls 3 pt 7 ps 0.8 notitle, \
     fg(x) with lines ls 4 lw 2.5 title "f-GAN: f + log 2·(u-1),  f* = -log(2 - e^t)", \
     dir."/js-conj.tsv" every 3 using 1:5 with points ls 4 pt 5 ps 0.8 notitle, \
     fs(x) with lines ls 6 lw 2.5 title "f + 1·(u-1),  f*(t) = f*_{notes}(t-1) + 1", \
     dir."/js-conj.tsv" every 3 using 1:7 with points ls 6 pt 9 ps 0.9 notitle
unset arrow 1; unset arrow 2; unset arrow 3; unset title

# (c) the bound near T*: second order in the perturbation
set output dir."/fdiv-bound.png"
set title "D_f - (E_P[T] - E_Q[f*(T)]) for T = g_f(g_f^{-1}(T*) + ε sin x): ≥ 0, and ∝ ε² (quadrature)"
set xlabel "ε"
set ylabel "gap D_f - bound"
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xrange [5e-4:2]
set yrange [*:*]
set key top left maxrows 5
plot for [k=2:9] dir."/bound-eps.tsv" using 1:k with linespoints lw 1.5 pt 7 ps 0.8 title columnhead(k), \
     3e-1*x**2 with lines ls 1 dt 2 title "slope 2 (ε²)"
unset logscale xy; set format x "% h"; set format y "% h"; unset title

# (d) learned critics against T*
set output dir."/fdiv-critic.png"
set terminal pngcairo enhanced size 1400,760 font "DejaVu Sans,11" linewidth 1.5
set multiplot layout 2,4 title "Critics trained on samples (points) vs the optimal critic T*(x) = f'(p(x)/q(x)) (lines); P = 0.5 N(-1.5,0.8) + 0.5 N(1.5,0.8), Q = N(0,1)"
set xrange [-4:4]
set xlabel "x"
set key top center
set yrange [*:*]
names = "kl rkl js hellinger pearson jeffreys gan"
do for [k=1:7] {
  set title word(names, k)
  set ylabel "T(x)"
  if (word(names, k) eq "pearson") { set yrange [-3:20] } else { set yrange [*:*] }
  if (word(names, k) eq "rkl") { set yrange [-6:1] }
  plot dir."/critic-t.tsv" using 1:(column(2*k)) with lines ls 1 title "T*", \
       dir."/critic-t.tsv" every 4 using 1:(column(2*k+1)) with points ls 2 title "learned"
}
set title "densities"
set yrange [0:0.45]
set ylabel "density"
plot 0.5*exp(-(x+1.5)**2/(2*0.64))/(0.8*sqrt(2*pi)) + 0.5*exp(-(x-1.5)**2/(2*0.64))/(0.8*sqrt(2*pi)) with filledcurves y1=0 ls 3 title "p", \
     exp(-x**2/2)/sqrt(2*pi) with filledcurves y1=0 ls 4 title "q"
unset multiplot

# (F) f** of a non-convex f is its convex envelope
reset
load "plots/style.gp"
f = dir."/envelope.tsv"
set output dir."/fdiv-envelope.png"
set title "f convex iff f = f**: for the double well f(u) = (u-1)^2 (u-3)^2, f** is the convex envelope"
set xlabel "u"
set ylabel "value"
set xrange [0:4]
set yrange [-0.2:4.5]
set key top center
set samples 400
fw(u) = (u-1)**2 * (u-3)**2
env(u) = u > 1 && u < 3 ? 0 : fw(u)
plot fw(x) with lines ls 4 title "f(u)", env(x) with lines ls 1 dt 2 title "convex envelope", \
     f using 1:3 with points ls 2 ps 1.3 title "f**(u), computed"
