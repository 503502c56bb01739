# SPDX-License-Identifier: GPL-3.0-or-later
# global-optimum.gp — Theorem 1: C(G) over a family of generators, and trained GANs.
# Reads dir/landscape.tsv (mu sigma C JSD, one scan line per mu),
# dir/gan-log.tsv (one index per seed: seed step JSD V se_V mean_abs_D-half
# accuracy loss_d loss_g) and dir/gan-density.tsv (x p_data p_g at 5 steps).
load "plots/style.gp"
meta(f, key, i) = real(system(sprintf("awk '/^# %s:/{print $%d; exit}' %s", key, i + 2, f)))
L4 = log(4)

# ---- part A: the landscape C(mu, sigma), p_data = N(0,1), p_g = N(mu, sigma)
f = dir."/landscape.tsv"
set output dir."/global-optimum-landscape.png"
set terminal pngcairo enhanced size 1000,720 font "DejaVu Sans,12" linewidth 1.5
set title "Theorem 1: C(G) = V(D*,G) = -log 4 + 2 JSD for p_{data} = N(0,1), p_g = N(μ,σ)\nminimum -log 4 at p_g = p_{data}, and nowhere else"
set xlabel "generator mean μ"
set ylabel "generator standard deviation σ"
set cblabel "C(G) + log 4  (= 2 JSD)"
set palette defined (0 "#fff7ec", 0.25 "#fdbb84", 0.5 "#ef6548", 0.75 "#b30000", 1 "#4a0000")
set cbrange [0:2*log(2)]
set xrange [-3:3]
set yrange [0.25:3]
amu = meta(f, "argmin", 1)
asg = meta(f, "argmin", 2)
# the contour lines, traced by gnuplot from the quadrature values into a datablock
set contour base
unset surface
set view map
set cntrparam levels discrete 0.01, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0, 1.2
set table $cont
splot f using 1:2:($3+L4) with lines
unset table
unset contour
set surface
unset view
set key below
set bmargin 8
set style fill solid 1.0 noborder
set style textbox opaque fc rgb "#ffffff" noborder
set datafile separator whitespace
# the near-optimum approximation C + log 4 ~ (mu^2 + 2 (sigma-1)^2)/4, drawn at the 0.05 level
plot f using 1:2:($3+L4) with image notitle, \
     $cont using 1:2 with lines lc rgb "#1b1b1b" lw 1 title "contours C + log 4 = 0.01, 0.05, 0.1, 0.2, 0.4, 0.7, 1, 1.2 (quadrature)", \
     [t=0:2*pi] '+' using (sqrt(0.2)*cos(t)):(1+sqrt(0.1)*sin(t)) with lines ls 5 title "(μ^2 + 2(σ-1)^2)/4 = 0.05 (quadratic approximation near the optimum)", \
     '+' using (amu):(asg) every ::0::0 with points pt 3 ps 2.5 lw 3 lc rgb "#2c7bb6" title sprintf("grid argmin (μ, σ) = (%g, %g), where C = -log 4", amu, asg)
set datafile separator "\t"
unset title; unset cblabel
set key default box opaque samplen 2 spacing 1.2
set bmargin -1
set style fill transparent solid 0.22 noborder
set xrange [*:*]; set yrange [*:*]

# ---- part B: p_g of the first seed against p_data, at five steps
f = dir."/gan-density.tsv"
set terminal pngcairo enhanced size 1000,620 font "DejaVu Sans,12" linewidth 1.5
set output dir."/global-optimum-densities.png"
seed = int(meta(f, "seed", 1))
set title sprintf("A trained GAN, seed %d: the generator's exact density p_g against p_{data}", seed)
set xlabel "x"
set ylabel "density"
set key top left
set xrange [-5:5]
set yrange [0:*]
s(k) = int(meta(f, "steps", k + 1))
plot f using 1:2 with filledcurves y1=0 ls 3 title "p_{data}(x)", \
     for [k=0:4] f using 1:(column(3+k)) with lines lw 2 \
        lc rgb word("#fdae61 #f46d43 #d73027 #a50026 #1b1b1b", k+1) title sprintf("p_g(x), step %d", s(k))

# ---- part B: V, JSD and accuracy against the step, every seed
f = dir."/gan-log.tsv"
ns = int(meta(f, "seeds", 1))
s0 = int(meta(f, "seed", 1))
tau = real(system("awk -F'\t' '$1 == \"B_median_JSD\" {print $4}' ".dir."/claims.tsv"))
set terminal pngcairo enhanced size 1200,1100 font "DejaVu Sans,12" linewidth 1.5
set output dir."/global-optimum-training.png"
set multiplot layout 3,1 title sprintf("Trained GANs on %s, %d seeds: the game value, the exact JSD and D's accuracy", system("awk '/^# pdata:/{print $3}' ".f), ns)
set xrange [*:*]
set yrange [*:*]
set key outside right top
set lmargin at screen 0.08
set rmargin at screen 0.74
set xlabel "G-step"
set ylabel "V(D,G)"
set yrange [-L4-0.05:-L4+0.2]
set title "V(D,G) (fresh samples) approaches -log 4 -- which D ≡ 1/2 gives for any G"
plot for [i=0:ns-1] f index i using 2:4 with linespoints pt 7 ps 0.4 lw 1 title sprintf("seed %d", s0+i), \
     f index 0 using 2:(-L4+2*$3) with lines ls 5 title sprintf("C(G) = -log 4 + 2 JSD, seed %d", s0), \
     -L4 with lines ls 1 title "-log 4"
set title "exact JSD(p_{data} || p_g) of the generator (pushforward density + quadrature)"
set ylabel "JSD (nats)"
set yrange [0:0.3]
plot for [i=0:ns-1] f index i using 2:3 with linespoints pt 7 ps 0.4 lw 1 title sprintf("seed %d", s0+i), \
     tau with lines ls 5 title sprintf("claim: median ≤ %g", tau), \
     0 with lines ls 1 title "0"
set title "discriminator accuracy on fresh samples (the best possible is 1/2 + TV/2)"
set ylabel "accuracy"
set yrange [*:*]
plot for [i=0:ns-1] f index i using 2:7 with linespoints pt 7 ps 0.4 lw 1 title sprintf("seed %d", s0+i), \
     0.5 with lines ls 1 title "0.5"
unset multiplot

# (A2) Proposition 2's hypothesis: C is convex in p_g, not in G's parameters
reset
load "plots/style.gp"
set output dir."/global-optimum-convexity.png"
set terminal pngcairo enhanced size 1200,520 font "DejaVu Sans,12" linewidth 1.5
set multiplot layout 1,2 title "C(G) = V(D*, G): convex along a path in p_g (left), not in the parameter μ (right)"
set title "p_g = (1-t) N(-1, 0.8) + t N(2.5, 1.2) against 0.5 N(-2,0.5) + 0.5 N(2,0.5)"
set xlabel "t"
set ylabel "C(G)"
set key top center
set yrange [-1:-0.7]
plot dir."/convexity.tsv" index 0 using 1:2 with linespoints ls 2 title "C by quadrature (every second difference > 0)"
set title "p_g = N(μ, 1) against N(0, 1)"
set autoscale y
set xlabel "μ"
set ylabel "C(G)"
set key bottom right
plot dir."/convexity.tsv" index 1 using 1:2 with linespoints ls 2 title "C by quadrature", \
     dir."/convexity.tsv" index 1 using 1:($3 < 0 ? $2 : 1/0) with points pt 6 ps 1.6 lc rgb "#d7191c" title "second difference < 0: concave", \
     -log(4) with lines ls 1 dt 2 title "-log 4", \
     0 with lines ls 1 dt 3 title "0 = ceiling (disjoint)"
unset multiplot

# (C) k D-steps per G-step: how far D stays from D*_G, and the JSD
reset
load "plots/style.gp"
f = dir."/k-log.tsv"
set output dir."/global-optimum-k.png"
set terminal pngcairo enhanced size 1200,520 font "DejaVu Sans,12" linewidth 1.5
set multiplot layout 1,2 title "Algorithm 1 with k = 1 and k = 5 discriminator steps per generator step (thin: one line per seed)"
set title "mean |D - D*_G| under (p_{data} + p_g)/2"
set xlabel "generator step"
set ylabel "mean |D - D*_G|"
set yrange [0:*]
set key top left
plot f using 3:($1 == 1 ? $5 : 1/0) with lines ls 4 title "k = 1", \
     f using 3:($1 == 5 ? $5 : 1/0) with lines ls 3 title "k = 5"
set title "exact JSD(p_{data} ‖ p_g)"
set ylabel "JSD (nats)"
plot f using 3:($1 == 1 ? $4 : 1/0) with lines ls 4 title "k = 1", \
     f using 3:($1 == 5 ? $4 : 1/0) with lines ls 3 title "k = 5"
unset multiplot

# (H) sensitivity to hyperparameters: final exact JSD over lr x beta1
reset
load "plots/style.gp"
f = dir."/hyper.tsv"
set output dir."/global-optimum-hyper.png"
set terminal pngcairo enhanced size 900,560 font "DejaVu Sans,12" linewidth 1.5
set title "'GANs are sensitive to hyperparameters': median final exact JSD over seeds\nG 1-16-16-1 tanh, D 1-32-32-1 leaky, NS, Adam, batch 128"
set xlabel "learning rate (both players)"
set ylabel "Adam β_1"
set cblabel "median final JSD (nats)"
set palette defined (0 "#fff7ec", 0.5 "#ef6548", 1 "#4a0000")
set cbrange [0:log(2)]
set logscale x
set xrange [5e-5:2e-2]
set yrange [-0.25:1.15]
set ytics (0, 0.5, 0.9)
set xtics ("1e-4" 1e-4, "3e-4" 3e-4, "1e-3" 1e-3, "3e-3" 3e-3, "1e-2" 1e-2)
unset key
set style fill solid 1.0 noborder
set style textbox opaque fc rgb "#ffffff" noborder
# one box per cell (half a decade wide, 0.4 tall), its median as a label
plot f using 1:2:($1/sqrt(sqrt(10))):($1*sqrt(sqrt(10))):($2-0.2):($2+0.2):3 with boxxyerror fc palette, \
     f using 1:2:(sprintf("%.3f", $3)) with labels boxed font ",11"
