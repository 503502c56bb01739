# SPDX-License-Identifier: GPL-3.0-or-later
# activations.gp — dying ReLU units against leaky ones, and the gradient G gets.
# Reads dir/dead.tsv: one index per activation (0 relu, 1 leaky 0.2, 2 leaky
# 0.1, 3 leaky 0.01), one line per seed: act seed step dead_d dead_g gnorm zero_share.
load "plots/style.gp"
f = dir."/dead.tsv"
stats f using 1 nooutput
nact = int(STATS_max) + 1
# the control (--untrained) measures every run once, at step 0: points
ctl = int(system("grep -c '^# training: untrained (control run)' ".f)) > 0
sty = ctl ? "points pt 7 ps 1" : "lines lw 1"
if (ctl) set xrange [-1:1]
set output dir."/activations.png"
set terminal pngcairo enhanced size 1000,1000 font "DejaVu Sans,12" linewidth 1.5
set multiplot layout 3,1 title "Dying ReLU (Adam lr 0.01, G and D 1-32-32-1): one line per seed".(ctl ? "\ncontrol (--untrained): every run as initialised, step 0" : "")
array lab[4] = ["ReLU", "leaky α = 0.2", "leaky α = 0.1", "leaky α = 0.01"]
array col[4] = ["#d7191c", "#2c7bb6", "#008837", "#7b3294"]
set key top left
set ylabel "fraction of D's units\n≤ 0 on every probe input"
set yrange [0:*]
plot for [i=0:nact-1] f index i using 3:4 with @sty lc rgb col[i+1] title lab[i+1]
set ylabel "fraction of G's units\n≤ 0 on every probe input"
plot for [i=0:nact-1] f index i using 3:5 with @sty lc rgb col[i+1] title lab[i+1]
set ylabel "share of G's samples\nwith dD/dx = 0 exactly"
set xlabel "GAN step"
if (ctl) set yrange [0:1]
plot for [i=0:nact-1] f index i using 3:7 with @sty lc rgb col[i+1] title lab[i+1]
unset multiplot
