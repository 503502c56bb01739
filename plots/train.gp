# SPDX-License-Identifier: GPL-3.0-or-later
# train.gp — the exact JSD over training of one or more `ganlab train` runs.
#   gnuplot -e "dirs='out/a out/b'; labels='default textbook'; png='out/train.png'" plots/train.gp
# dirs: the runs' output directories (their log.tsv); labels: one word each.
load "plots/style.gp"
if (!exists("dirs")) dirs = "out/train"
if (!exists("labels")) labels = dirs
if (!exists("png")) png = word(dirs, 1)."/train.png"
set output png
set title "ganlab train: the exact JSD(p_{data} || p_g) at every logged step"
set xlabel "G-step"
set ylabel "JSD (nats)"
set logscale y
set yrange [1e-3:log(2)]
set key top right
plot for [i=1:words(dirs)] word(dirs, i)."/log.tsv" using "step":"jsd" with lines lw 2 \
     title word(labels, i), \
     log(2) with lines ls 1 dt 2 title "log 2 (disjoint supports)"
