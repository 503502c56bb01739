# SPDX-License-Identifier: GPL-3.0-or-later
# bce-mse.gp — the sigmoid MLP of the lecture notes with BCE and with MSE.
# Reads dir/d.tsv (x Dstar D_bce D_mse) and dir/curves.tsv (step L1_bce L1_mse).
load "plots/style.gp"

f = dir."/d.tsv"
# the control (--untrained): both D as initialised, part B at step 0 only
ctl = int(system("grep -c '^# training: untrained (control run)' ".f)) > 0
set output dir."/bce-mse.png"
set terminal pngcairo enhanced size 1000,900 font "DejaVu Sans,12" linewidth 1.5
set multiplot layout 2,1
set title (ctl ? "The control (--untrained): both discriminators as initialised" : \
    "BCE and MSE discriminators land on the same D* = p_{data}/(p_{data}+p_g)")."\np_{data} = 0.5 N(-2,0.5) + 0.5 N(2,0.5), p_g = N(0,1.5); D 1-32-1 sigmoid, same start"
set xlabel "x"
set ylabel "D(x)"
set yrange [-0.02:1.02]
set key top center
plot f using 1:2 with lines ls 1 title "D*(x), exact", \
     f using 1:3 every 10 with points ls 2 title "D(x), BCE", \
     f using 1:4 every 10 with points pt 5 ps 0.5 lc rgb "#2c7bb6" title "D(x), MSE"
f = dir."/curves.tsv"
set title "From a saturated start (output bias -8, D ≈ 3e-4), plain gradient descent:\nthe MSE gradient carries D(1-D) and vanishes; BCE's does not"
set xlabel "SGD step (0 drawn at 1)"
set ylabel "∫|D - D*| (p_{data}+p_g)/2 dx"
set logscale x
if (ctl) set xrange [0.5:2000]
set yrange [0:0.55]
set key top right
plot f using ($1 > 0 ? $1 : 1):2 with linespoints ls 2 title "BCE", \
     f using ($1 > 0 ? $1 : 1):3 with linespoints pt 5 lc rgb "#2c7bb6" title "MSE", \
     0.273 with lines ls 5 title "D = 1/2"
unset multiplot
