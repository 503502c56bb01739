# SPDX-License-Identifier: GPL-3.0-or-later
# disjoint.gp — divergences vs W1 on disjoint supports; gradients near an optimal D.
# Reads dir/theta.tsv (theta js js_abserr kl tv w1 w1_abserr js_theory),
# dir/dsteps.tsv (dsteps mean_D_fake mm_norm mm_db_mean mm_db_sd ns_norm
# ns_db_mean ns_db_sd mean_D_real) and dir/critic.tsv (theta dL_dtheta est w1).
load "plots/style.gp"

# (a) P = U(0,1), Q = U(theta, theta+1): JS and TV saturate, W1 does not
set output dir."/disjoint-divergences.png"
set title "P = U(0,1), Q_θ = U(θ, θ+1): exact divergences and W1 (lines theory, points ganlab)"
set xlabel "θ"
set ylabel "distance between P and Q_θ"
set xrange [-3.1:3.1]
set yrange [0:3.2]
set key top center
set samples 601
set label 1 "KL(P‖Q_θ) = ∞ for every θ ≠ 0 (measured: inf at every grid point)" at graph 0.5, graph 0.62 center
set arrow 1 from -1, graph 0 to -1, graph 1 nohead dt 3 lc rgb "#888888"
set arrow 2 from 1, graph 0 to 1, graph 1 nohead dt 3 lc rgb "#888888"
plot abs(x) with lines ls 1 title "W1 theory |θ|", \
     (abs(x) < 1 ? abs(x) : 1) * log(2) with lines ls 3 title "JS theory min(|θ|,1) log 2", \
     (abs(x) < 1 ? abs(x) : 1) with lines ls 5 title "TV theory min(|θ|,1)", \
     dir."/theta.tsv" using 1:6 with points ls 2 title "W1, gl\\_w1", \
     dir."/theta.tsv" using 1:2 with points ls 3 pt 5 ps 0.5 title "JS, gl\\_fdiv\\_eval", \
     dir."/theta.tsv" using 1:5 with points ls 4 pt 9 ps 0.6 title "TV, gl\\_fdiv\\_eval"
unset label 1; unset arrow 1; unset arrow 2; unset title

# (b) fixed G with p_g = U(3,4), D trained for more and more steps
set output dir."/disjoint-dgrad.png"
set title "Data U(0,1), fixed G with p_g = U(3,4): generator gradient as D is trained (bars: sd over minibatches of 64)"
set xlabel "discriminator training steps + 1"
set ylabel "‖∇_θ L_G‖,  θ = (a, b) of G(z) = az + b"
set logscale x
set logscale y
set format x "10^{%L}"
set format y "10^{%L}"
set xrange [*:*]
set yrange [*:*]
set key bottom left
plot dir."/dsteps.tsv" using ($1+1):6 with lines ls 6 notitle, \
     dir."/dsteps.tsv" using ($1+1):6:8 with yerrorbars ls 6 pt 7 title "non-saturating -log D", \
     dir."/dsteps.tsv" using ($1+1):3 with lines ls 4 notitle, \
     dir."/dsteps.tsv" using ($1+1):3:5 with yerrorbars ls 4 pt 7 title "minimax log(1-D)", \
     dir."/dsteps.tsv" using ($1+1):2 with linespoints ls 1 dt 3 pt 4 title "mean D(G(z))"
unset logscale x; unset logscale y; set format x "% h"; set format y "% h"; unset title

# (c) a clipped critic per theta
set output dir."/disjoint-critic.png"
set title "Clipped 1-32-1 critic, trained per θ: generator gradient and E_P f - E_Q f"
set xlabel "θ  (p_g = U(θ, θ+1), data U(0,1))"
set ylabel "value"
set xrange [-3.2:3.2]
set yrange [-0.5:1.1]
set key top center
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lc rgb "#888888"
plot (abs(x) >= 1 ? 0 : 1/0) with lines ls 1 lw 4 title "minimax gradient at D*: 0 for |θ| ≥ 1", \
     dir."/critic.tsv" using 1:2 with points ls 4 pt 7 ps 1 title "critic: ∂L_G/∂θ = -E f'(x) (sign θ: descent moves θ to 0)", \
     dir."/critic.tsv" using 1:3 with points ls 6 pt 5 ps 1 title "critic: E_P f - E_Q f (∝ W1 = |θ|)"
