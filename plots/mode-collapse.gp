# SPDX-License-Identifier: GPL-3.0-or-later
# mode-collapse.gp — samples over the modes, mode occupancy against the step,
# the metrics against the step, and an animated GIF of a vanilla run.
# Reads dir/frames.tsv (x y; index s*41 + i for slot s, measurement i),
# dir/modes.tsv (bench mode x y r_hq; index b), dir/occupancy.tsv (step mode
# frac; index s) and dir/curves.tsv (step modes hq_frac rkl; index s). The
# slots are the rows of table.tsv: ring with methods 0 gan, 1 pack2, 2 pack3,
# 3 pack4, 4 lsgan, 5 gan_slow_d (slots 0-5), then grid with methods 0 gan,
# 1 pack2 (slots 6-7).
load "plots/style.gp"

NF = 41
mname(m) = word("GAN PacGAN2 PacGAN3 PacGAN4 LSGAN GAN,slow-D", m + 1)
nmeth(b) = b == 0 ? 6 : 2
slot(b, m) = b == 0 ? m : 6 + m
bname(b) = word("ring(8,1,0.01) grid(5,2,0.05)", b + 1)
# the steps of the ring's and the grid's runs, from the curves file
stats dir."/curves.tsv" index 0 using 1 nooutput
STEPS_RING = STATS_max
stats dir."/curves.tsv" index 6 using 1 nooutput
STEPS_GRID = STATS_max
nsteps(b) = b == 0 ? STEPS_RING : STEPS_GRID
step(b, i) = i * nsteps(b) / (NF - 1)
set style circle radius graph 0.01

# (a) snapshots: a row per method, a column per step; data modes as circles
# of the high-quality radius (3 sd), samples as dots
array SNAP[5] = [1, 4, 10, 20, 40]
do for [b = 0:1] {
    set output dir.sprintf("/mode-collapse-snapshots-%s.png", b == 0 ? "ring" : "grid")
    L = b == 0 ? 1.3 : 5.0
    set terminal pngcairo enhanced size 1500,(b == 0 ? 1850 : 660) font "DejaVu Sans,10"
    set multiplot layout nmeth(b),5 title sprintf("%s: 500 samples of G (seed 1) at 5 steps; circles: the modes' 3-sd (high-quality) discs", bname(b)) font ",14"
    set size ratio -1
    set xrange [-L:L]
    set yrange [-L:L]
    unset key
    TIC = b == 0 ? 1 : 2
    set xtics TIC font ",8"
    set ytics TIC font ",8"
    do for [m = 0:nmeth(b)-1] {
        do for [k = 1:5] {
            set title sprintf("%s, step %d", mname(m), step(b, SNAP[k])) font ",10"
            plot dir."/modes.tsv" index b using 3:4:(b == 0 ? 0.075 : 0.15) with circles lc rgb "#bbbbbb" fs transparent solid 0.3 noborder, \
                 dir."/modes.tsv" index b using 3:4:5 with circles lc rgb "#2c7bb6" lw 1.5 fs empty, \
                 dir."/frames.tsv" index (slot(b, m)*NF + SNAP[k]) using 1:2 with points pt 7 ps 0.15 lc rgb "#d7191c"
        }
    }
    unset multiplot
}
reset
load "plots/style.gp"

# (b) occupancy timeline of seed 1: fraction of samples that are HQ at each
# mode, against the step; a collapsed or hopping generator lights up few rows
set output dir."/mode-collapse-occupancy.png"
set terminal pngcairo enhanced size 1400,900 font "DejaVu Sans,11"
set multiplot layout 2,2 title "Mode occupancy against the step (seed 1): share of 2,500 samples that are high quality at each mode (uniform: 1/8 ring, 1/25 grid; colour saturates at 0.3, 0.12)" font ",12"
set palette defined (0 "#ffffff", 0.02 "#fde0c5", 0.1 "#f4a261", 0.3 "#d7191c", 1 "#5a0000")
set cblabel "share of samples"
set xlabel "generator step"
set ylabel "mode index"
unset key
set grid noxtics noytics
array PB[4] = [0, 0, 1, 1]
array PM[4] = [0, 5, 0, 1]
do for [k = 1:4] {
    b = PB[k]
    K = b == 0 ? 8 : 25
    set cbrange [0:(b == 0 ? 0.3 : 0.12)]
    set yrange [-0.5:K-0.5]
    set xrange [0:nsteps(b)]
    set title sprintf("%s on %s", mname(PM[k]), bname(b))
    plot dir."/occupancy.tsv" index slot(b, PM[k]) using 1:2:3 with image
}
unset multiplot
reset
load "plots/style.gp"

# (c) the metrics against the step, mean over seeds: the effect of the budget
set output dir."/mode-collapse-curves.png"
set terminal pngcairo enhanced size 1400,900 font "DejaVu Sans,11"
set multiplot layout 2,2 title "Mean over seeds against the step: modes covered and high-quality fraction" font ",13"
set xlabel "generator step"
do for [b = 0:1] {
    set key bottom right
    K = b == 0 ? 8 : 25
    set title sprintf("%s: modes with >= 1 high-quality sample (of %d)", bname(b), K)
    set ylabel "modes"
    set yrange [0:K+0.5]
    plot for [m = 0:nmeth(b)-1] dir."/curves.tsv" index slot(b, m) using 1:2 with linespoints pt 7 ps 0.4 lw 1.5 title mname(m), \
         K with lines ls 1 dt 2 title "all modes"
    set title sprintf("%s: high-quality fraction", bname(b))
    set key top left
    set ylabel "fraction within 3 sd of a mode"
    set yrange [0:1]
    plot for [m = 0:nmeth(b)-1] dir."/curves.tsv" index slot(b, m) using 1:3 with linespoints pt 7 ps 0.4 lw 1.5 title mname(m), \
         0.8 with lines ls 1 dt 2 title "claim: 0.8"
}
unset multiplot
reset
load "plots/style.gp"

# (d) an animated GIF of the collapse demonstration: the vanilla GAN with a
# slow D on the ring (seed 1), one frame per measurement
set terminal gif animate delay 25 loop 0 size 560,560 font "DejaVu Sans,10"
set output dir."/mode-collapse-train.gif"
set size ratio -1
set xrange [-1.3:1.3]
set yrange [-1.3:1.3]
unset key
do for [i = 0:NF-1] {
    set title sprintf("GAN with a slow D (lr_D = lr_G/10) on ring(8,1,0.01), seed 1: step %d", step(0, i))
    plot dir."/modes.tsv" index 0 using 3:4:(0.04) with circles lc rgb "#2c7bb6" fs solid 0.3 noborder, \
         dir."/frames.tsv" index (slot(0, 5)*NF + i) using 1:2 with points pt 7 ps 0.3 lc rgb "#d7191c"
}
unset output
reset
load "plots/style.gp"

# (e) every seed's timeline (timeline.tsv): modes covered against the step,
# the data of the timeline claims (vanilla and PacGAN2 on the grid losing
# modes after covering all; the slow-D GAN's collapse and recovery)
set output dir."/mode-collapse-timeline.png"
set terminal pngcairo enhanced size 1400,900 font "DejaVu Sans,11"
set multiplot layout 2,2 title "Modes covered against the step, every seed (one colour each, offset by up to ±0.25 to separate them): the timelines the claims read" font ",13"
set palette defined (0 "#2c7bb6", 0.5 "#1a9641", 1 "#d7191c")
unset colorbox
set cbrange [0:9]
set xlabel "generator step"
set ylabel "modes with >= 1 high-quality sample"
unset key
array TB[4] = [1, 1, 0, 0]
array TM[4] = [0, 1, 5, 0]
do for [k = 1:4] {
    b = TB[k]
    K = b == 0 ? 8 : 25
    set yrange [0:K+0.5]
    set xrange [0:nsteps(b)]
    set title sprintf("%s on %s", mname(TM[k]), bname(b))
    plot dir."/timeline.tsv" index slot(b, TM[k]) using 2:($3 + 0.05 * (int($1) % 10 - 4.5)):(int($1) % 10) with lines lw 1 lc palette z, \
         K with lines ls 1 dt 2
}
unset multiplot
