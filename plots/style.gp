# SPDX-License-Identifier: GPL-3.0-or-later
# style.gp — shared look of every ganlab figure. Loaded by plots/NAME.gp.
# Theory is drawn as lines, measurements as points, densities as shaded areas.
set terminal pngcairo enhanced size 1000,620 font "DejaVu Sans,12" linewidth 1.5
set encoding utf8
set border 3 lw 1
set tics nomirror out
set grid lc rgb "#dddddd" lw 1
set key box opaque samplen 2 spacing 1.2
set datafile separator "\t"
set datafile commentschars "#"
# line styles: 1 theory (dark), 2 measured (orange points), 3 p_data (blue), 4 p_g (red)
set style line 1 lc rgb "#1b1b1b" lw 2.5 dt 1
set style line 2 lc rgb "#e66101" pt 7 ps 0.55 lw 1.5
set style line 3 lc rgb "#2c7bb6" lw 1.5
set style line 4 lc rgb "#d7191c" lw 1.5
set style line 5 lc rgb "#7b3294" lw 2 dt 2
set style line 6 lc rgb "#008837" lw 2
set style fill transparent solid 0.22 noborder
# dir is the results directory, set by make (gnuplot -e "dir='out/NAME'")
if (!exists("dir")) dir = "out"
