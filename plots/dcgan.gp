# SPDX-License-Identifier: GPL-3.0-or-later
# dcgan.gp — the ablation of the DCGAN guidelines: each guideline's effect,
# left out of the full recipe and added to the plain one, on the three
# benchmarks; the recipes' means; samples of the full and plain recipes in
# evaluation and batch mode.
# Reads dir/effects.tsv (factor design x effect se z verdict; index b: ring,
# grid, 1d; 1d: se NaN, z the rank statistic), dir/table.tsv (one row per configuration, slot = b*10 + recipe)
# and dir/samples.tsv (mode x y; index = the row of table.tsv).
load "plots/style.gp"

bname(b) = b == 0 ? "ring(8,2,0.02)" : (b == 1 ? "grid(5,2,0.05)" : "0.35 N(-1.5,0.3) + 0.65 N(1.8,0.6)")
unit(b) = b < 2 ? "modes covered (more is better)" : "JSD decrease (exact; more is better)"

# (a) effects: a point per factor and design, > 0 means the guideline
# helps. Ring and grid: differences of means, error bars 3 s.e. (the claims'
# threshold). 1-D: differences of medians, each labelled with its
# Mann-Whitney z (the claims' statistic, threshold 3)
set output dir."/dcgan-effects.png"
set terminal pngcairo enhanced size 1500,520 font "DejaVu Sans,11"
set multiplot layout 1,3 title "Each DCGAN guideline's effect over the seeds. Filled: left out of the full recipe; open: added to the plain one" font ",13"
set xrange [-0.6:3.6]
set xtics ("batch norm" 0, "ReLU G, tanh out" 1, "leaky D" 2, "Adam β_1 0.5" 3) font ",9"
set key below horizontal font ",10"
do for [b = 0:2] {
    set ylabel unit(b)
    if (b < 2) {
        set title bname(b)."\ndifference of means, bars ±3 s.e."
        plot 0 w l ls 1 lw 1 notitle, \
             dir."/effects.tsv" index b using ($2 == 0 ? $3 : 1/0):4:(3*$5) w yerrorbars ls 2 pt 7 ps 1.2 title "leave-one-out", \
             "" index b using ($2 == 1 ? $3 : 1/0):4:(3*$5) w yerrorbars ls 3 pt 6 ps 1.2 title "add-one-in"
    } else {
        set title bname(b)."\ndifference of medians, labels: Mann-Whitney z"
        set offsets 0, 0, graph 0.12, graph 0.05
        plot 0 w l ls 1 lw 1 notitle, \
             dir."/effects.tsv" index b using ($2 == 0 ? $3 : 1/0):4 w p ls 2 pt 7 ps 1.2 title "leave-one-out", \
             "" index b using ($2 == 1 ? $3 : 1/0):4 w p ls 3 pt 6 ps 1.2 title "add-one-in", \
             "" index b using 3:4:(sprintf("%.1f", $6)) w labels offset 0,1 font ",9" notitle
        set offsets 0, 0, 0, 0
    }
}
unset multiplot

# (b) the recipes: mean and s.e. of the benchmark's metric
set output dir."/dcgan-recipes.png"
set terminal pngcairo enhanced size 1500,520 font "DejaVu Sans,11"
set multiplot layout 1,3 title "The ten recipes: mean over seeds ± s.e." font ",13"
set xrange [-0.6:9.6]
set xtics ("full" 0, "-bn" 1, "-g" 2, "-leaky" 3, "-β_1" 4, "plain" 5, "+bn" 6, "+g" 7, "+leaky" 8, "+β_1" 9) font ",9"
unset key
do for [b = 0:2] {
    set title bname(b)
    YMAX = b == 0 ? 8.5 : (b == 1 ? 25.5 : 0.35)
    set yrange [0:YMAX]
    set ylabel b < 2 ? "modes covered (of 8, of 25)" : "exact JSD of the evaluation-mode p_g"
    plot dir."/table.tsv" using ($16 >= b*10 && $16 < b*10 + 10 ? $16 - b*10 : 1/0):8:10 w yerrorbars ls 2 pt 7 ps 1.3
}
unset multiplot

# (c) samples of the first seed: the full recipe in evaluation mode, the same
# G on its training batches (batch statistics), the plain recipe
set output dir."/dcgan-samples.png"
set terminal pngcairo enhanced size 1500,1000 font "DejaVu Sans,11"
set multiplot layout 2,3 title "500 samples of G (first seed): evaluation mode (running averages), batch mode (batches of 64), the plain recipe" font ",13"
set size ratio -1
set xtics auto font ",9"
unset ylabel
do for [b = 0:1] {
    L = b == 0 ? 2.5 : 5.2
    set xrange [-L:L]
    set yrange [-L:L]
    set title sprintf("%s: full, evaluation mode", b == 0 ? "ring" : "grid")
    plot dir."/samples.tsv" index b*10 using ($1 == 0 ? $2 : 1/0):3 w p ls 4 pt 7 ps 0.3
    set title sprintf("%s: full, batch mode", b == 0 ? "ring" : "grid")
    plot dir."/samples.tsv" index b*10 using ($1 == 1 ? $2 : 1/0):3 w p ls 6 pt 7 ps 0.3
    set title sprintf("%s: plain", b == 0 ? "ring" : "grid")
    plot dir."/samples.tsv" index b*10 + 5 using ($1 == 0 ? $2 : 1/0):3 w p ls 3 pt 7 ps 0.3
}
unset multiplot
