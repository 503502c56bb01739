# SPDX-License-Identifier: GPL-3.0-or-later
# dynamics.gp — the Dirac-GAN: gradient vector field and the update rules' trajectories.
# Reads dir/field.tsv (theta psi dtheta dpsi speed) and dir/traj.tsv
# (run step theta psi norm; one block per run: 0 sim, 1 alt, 2 sim + penalty, 3 sim + noise).
load "plots/style.gp"

# (a) the field v = (-dV/dtheta, dV/dpsi) with the trajectories from (1, 1)
set output dir."/dynamics-field.png"
set terminal pngcairo enhanced size 900,860 font "DejaVu Sans,12" linewidth 1.5
set title "Dirac-GAN: v = (-∂V/∂θ, ∂V/∂ψ) (arrows, equal length) and 500 steps of size h from (1, 1)"
set xlabel "θ  (generator: G = δ_θ)"
set ylabel "ψ  (discriminator: D(x) = ψx)"
set size ratio -1
set xrange [-3.6:3.6]
set yrange [-3.6:3.6]
set key bottom right
plot dir."/field.tsv" using 1:2:3:4 with vectors head size 0.06,20 filled lc rgb "#b0b0b0" lw 1 title "gradient field", \
     dir."/traj.tsv" index 0 using 3:4 with lines ls 4 title "simultaneous: spirals out", \
     dir."/traj.tsv" index 1 using 3:4 with lines ls 3 title "alternating: circles", \
     dir."/traj.tsv" index 2 using 3:4 with lines ls 6 title "simultaneous + gradient penalty: converges", \
     "+" using (1):(1) every ::0::0 with points pt 7 ps 1.5 lc rgb "#1b1b1b" title "start (1, 1)", \
     "+" using (0):(0) every ::0::0 with points pt 3 ps 2 lc rgb "#1b1b1b" title "equilibrium (0, 0)"
unset title

# (b) the norm over the steps, log scale, against the linearised rates
h = real(system(sprintf("awk '/^# h:/{print $3}' %s/traj.tsv", dir)))
set output dir."/dynamics-norm.png"
set terminal pngcairo enhanced size 1000,620 font "DejaVu Sans,12" linewidth 1.5
set size noratio
set title sprintf("‖(θ, ψ)‖ over the steps (h = %g); dashed: linearised predictions", h)
set xlabel "step"
set ylabel "‖(θ, ψ)‖"
set autoscale
set logscale y
set format y "10^{%L}"
set key bottom left
set samples 200
g = real(system(sprintf("awk '/^# gamma:/{print $3}' %s/traj.tsv", dir)))
sg = real(system(sprintf("awk '/^# sigma:/{print $3}' %s/traj.tsv", dir)))
lam2 = (1 - h * g / 2)**2 + h * h * (0.25 - g * g / 4)
plot dir."/traj.tsv" index 0 using 2:5 with lines ls 4 title "simultaneous", \
     dir."/traj.tsv" index 1 using 2:5 with lines ls 3 title "alternating", \
     dir."/traj.tsv" index 2 using 2:5 with lines ls 6 title sprintf("simultaneous + penalty γ = %g", g), \
     dir."/traj.tsv" index 3 using 2:5 with lines lc rgb "#e66101" lw 1 title sprintf("simultaneous + instance noise σ = %g", sg), \
     [0:500] sqrt(2) * (1 + h * h / 4)**(x / 2) with lines ls 1 dt 2 title "(1 + h^2 f'(0)^2)^{k/2} (valid near 0)", \
     [0:500] sqrt(2) * lam2**(x / 2) with lines ls 5 title "|1 + hλ|^k, λ = -γ/2 ± i(f'(0)^2 - γ^2/4)^{1/2}"

# (c) a real 1-D GAN: exact JSD over the steps for the four update rules;
# thin: every seed, thick: the median over seeds (gan-jsd.tsv, gan-median.tsv)
unset logscale y
set format y "%g"
set output dir."/dynamics-gan.png"
set terminal pngcairo enhanced size 1000,620 font "DejaVu Sans,12" linewidth 1.5
set title "1-D GAN on 0.5 N(-2, 0.5) + 0.5 N(2, 0.5): exact JSD(p_{data} ‖ p_g); thin: seeds, thick: median"
set xlabel "step"
set ylabel "JSD (nats)"
set yrange [0:0.5]
set key top left maxrows 3 width -2
plot dir."/gan-jsd.tsv" using 3:($1 == 0 ? $4 : 1/0) with lines lc rgb "#f4a5a6" lw 0.8 notitle, \
     dir."/gan-jsd.tsv" using 3:($1 == 1 ? $4 : 1/0) with lines lc rgb "#f9c89b" lw 0.8 notitle, \
     dir."/gan-jsd.tsv" using 3:($1 == 2 ? $4 : 1/0) with lines lc rgb "#9ccbe8" lw 0.8 notitle, \
     dir."/gan-jsd.tsv" using 3:($1 == 3 ? $4 : 1/0) with lines lc rgb "#9fd4a8" lw 0.8 notitle, \
     dir."/gan-median.tsv" using 1:2 with lines ls 4 lw 3 title "alternating", \
     dir."/gan-median.tsv" using 1:3 with lines lc rgb "#e66101" lw 3 dt 2 title "simultaneous", \
     dir."/gan-median.tsv" using 1:4 with lines ls 3 lw 3 title "alternating + R1", \
     dir."/gan-median.tsv" using 1:5 with lines ls 6 lw 3 dt 2 title "simultaneous + R1", \
     0.2010 with lines ls 1 dt 3 title "best single Gaussian N(0, 2.0): 0.201"

# (d) the best response to a frozen D: every sample climbs D to a local maximum
reset
load "plots/style.gp"
f = dir."/br-density.tsv"
fl = dir."/br-linear.tsv"
set output dir."/dynamics-best-response.png"
set terminal pngcairo enhanced size 1300,600 font "DejaVu Sans,12" linewidth 1.5
set multiplot layout 1,2 title "G's best response to a frozen D* is a point mass at argmax D, not p_{data}"
set title "densities; D* of p_{data} against p_{g0} = N(-0.5, 1.5), frozen (right axis)"
set xlabel "x"
set ylabel "density"
set y2label "D*(x)"
set y2range [0:1]
set y2tics 0.25
set ytics nomirror
set xrange [-6:6]
set yrange [0:2.5]
set key below maxrows 2 width -4
plot f using 1:2 with filledcurves y1=0 ls 3 title "p_{data}", \
     f using 1:3 with lines ls 1 dt 2 title "p_{g0} (D* is optimal against it)", \
     f using 1:5 with lines ls 4 lw 2.5 title "network G after its best response (exact)", \
     f using 1:4 axes x1y2 with lines ls 5 title "D*(x), right axis"
set title "linear G(z) = Az + B from p_{g0}: the scale A collapses, B climbs to argmax D"
unset y2label
unset y2tics
set y2range [*:*]
set xlabel "step"
set ylabel "value"
set xrange [*:*]
set yrange [-1:3]
set key below maxrows 2 width -4
plot fl using 1:2 with linespoints ls 4 pt 7 ps 0.5 title "A (scale of p_g)", \
     fl using 1:3 with linespoints ls 3 pt 7 ps 0.5 title "B (centre of p_g)", \
     fl using 1:4 with linespoints ls 2 title "exact JSD(p_{data} ‖ p_g)", \
     log(2) with lines ls 1 dt 3 title "log 2"
unset multiplot
