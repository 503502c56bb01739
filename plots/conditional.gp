# SPDX-License-Identifier: GPL-3.0-or-later
# conditional.gp — conditional GANs: D(x|y) against D*(x|y) per label, and
# the exact p_g of an unconditional GAN against one conditioned on 4 and on 2 labels.
# Reads dir/d.tsv (x D_0 Dstar_0 D_1 Dstar_1), dir/pg.tsv (x p_data p_g_gan
# p_g_cgan4 p_g_cgan2) and dir/modes.tsv (method seed modes worst_mass jsd_label_max).
load "plots/style.gp"

f = dir."/d.tsv"
# the control (--untrained): every network as initialised
ctl = int(system("grep -c '^# training: untrained (control run)' ".f)) > 0
net = ctl ? "untrained (control)" : "trained"
set output dir."/conditional-d.png"
set title "Conditional Proposition 1: D*(x|y) = p(x|y) / (p(x|y) + p_g(x|y)), label by label\np(x|0) = N(-2,0.5), p_g(x|0) = N(-1,1);  p(x|1) = N(2,0.5), p_g(x|1) = N(1,1)"
set xlabel "x"
set ylabel "D(x|y)"
set yrange [-0.02:1.02]
set key top center
plot f using 1:3 with lines ls 1 title "D*(x|0), exact", \
     f using 1:2 every 12 with points ls 2 title "D(x|0), ".net, \
     f using 1:5 with lines ls 5 title "D*(x|1), exact", \
     f using 1:4 every 12 with points pt 5 ps 0.55 lc rgb "#008837" title "D(x|1), ".net

f = dir."/pg.tsv"
set output dir."/conditional-modes.png"
set terminal pngcairo enhanced size 1000,900 font "DejaVu Sans,12" linewidth 1.5
set multiplot layout 3,1 title ctl ? "The control (--untrained): the exact p_g of every G as initialised" : \
    "Conditioning and mode collapse: the exact p_g of one seed, same G, D and budget"
set yrange [0:*]
set xrange [-8:8]
set ylabel "density"
set key top right
set title ctl ? "unconditional" : "unconditional: drops modes"
plot f using 1:2 with filledcurves y1=0 ls 3 title "p_{data}", f using 1:3 with lines ls 4 title "p_g"
set title ctl ? "4 labels, one per mode" : "4 labels, one per mode: every mode kept"
plot f using 1:2 with filledcurves y1=0 ls 3 title "p_{data}", f using 1:4 with lines ls 4 title "p_g = Σ_y p(y) p_g(x|y)"
set title "2 labels, each two modes"
set xlabel "x"
plot f using 1:2 with filledcurves y1=0 ls 3 title "p_{data}", f using 1:5 with lines ls 4 title "p_g = Σ_y p(y) p_g(x|y)"
unset multiplot
