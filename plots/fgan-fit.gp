# SPDX-License-Identifier: GPL-3.0-or-later
# fgan-fit.gp — P and the fitted Gaussians. Top: the global direct fits (the
# Gaussian closest to P in each D_f). Bottom: the f-GAN generator (dashed)
# against the end of the exact gradient flow from the same start (solid).
# Reads dir/densities.tsv (x, p_1:1, p_3:1, then MIX_F_direct, MIX_F_fgan,
# MIX_F_flow for each mixture and divergence) and dir/fits.tsv.
load "plots/style.gp"
set terminal pngcairo enhanced size 1300,980 font "DejaVu Sans,12" linewidth 1.5
set output dir."/fgan-fit.png"
f = dir."/densities.tsv"
ncol = int(system("awk -F'\\t' '!/^#/{print NF; exit}' ".f))
nf = (ncol - 3) / 6
names = system("awk -F'\\t' '!/^#/ && $1 == \"1:1\" {printf \"%s \", $2}' ".dir."/fits.tsv")
colors = "#1b9e77 #d95f02 #7570b3 #e7298a #66a61e #e6ab02"
col(m, j, w) = 3 + m*3*nf + 3*(j-1) + w + 1
set multiplot layout 2,2 title "The Gaussian closest to P in D_f"
set xrange [-5:5]
set yrange [0:0.85]
set xlabel "x"
set ylabel "density"
set key top right font ",10" spacing 1.0
do for [m=0:1] {
  set title (m == 0 ? "direct fits (global minimum): P = 0.5 N(-2,0.5) + 0.5 N(2,0.5)" : "direct fits (global minimum): P = 0.75 N(-2,0.5) + 0.25 N(2,0.5)")
  plot f using 1:(column(2+m)) with filledcurves y1=0 ls 3 title "P", \
       for [j=1:nf] f using 1:(column(col(m, j, 0))) with lines lw 2.5 lc rgb word(colors, j) title word(names, j)
}
do for [m=0:1] {
  set title (m == 0 ? "f-GAN (dashed) vs exact gradient flow from N(0.5, 1) (solid): 1:1" : "f-GAN (dashed) vs exact gradient flow from N(0.5, 1) (solid): 3:1")
  plot f using 1:(column(2+m)) with filledcurves y1=0 ls 3 title "P", \
       for [j=1:nf] f using 1:(column(col(m, j, 2))) with lines lw 2.5 lc rgb word(colors, j) title word(names, j), \
       for [j=1:nf] f using 1:(column(col(m, j, 1))) with lines lw 2.5 dt 2 lc rgb word(colors, j) notitle
}
unset multiplot
