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

# fgan-fit-classes.png — what a restricted critic class sees. For each run:
# sigma at the end of the exact flow of D_F for each class (line and points:
# V piecewise linear on m intervals, knot values within +-bound), the end of
# D_f's own flow (black), the f-GAN against a critic of class 2 (the large
# dot: it lands on its class's fixed point) and the f-GAN against the
# 1-32-32-1 network critic (red dashes). Reads dir/classes.tsv and dir/fits.tsv.
set terminal pngcairo enhanced size 1500,720 font "DejaVu Sans,11" linewidth 1.5
set output dir."/fgan-fit-classes.png"
c = dir."/classes.tsv"
ff = dir."/fits.tsv"
ncl = int(system("awk -F'\\t' '!/^#/ && h {if ($3 > n) n = $3} !/^#/ {h = 1} END {print n}' ".c))
rows(m, f, file) = sprintf("< awk -F'\\t' '!/^#/ && $1 == \"%s\" && $2 == \"%s\"' %s", m, f, file)
netsig(m, f) = real(system(sprintf("awk -F'\\t' '!/^#/ && $1 == \"%s\" && $2 == \"%s\" {print $7}' %s", m, f, ff)))
set multiplot layout 2,nf title "sigma at the fixed point a critic class sees: exact flow of D_F per class, the f-GAN on class 2 (dot), the network f-GAN (red dashes), D_f's flow (black)"
set xrange [0.7:ncl+0.3]
set xtics ("4/5" 1, "8/10" 2, "16/20" 3, "32/40" 4) font ",9"
set xlabel "class: intervals m / bound" font ",10"
set ylabel "sigma" font ",10"
unset key
do for [mi=0:1] {
  mx = mi == 0 ? "1:1" : "3:1"
  do for [j=1:nf] {
    fn = word(names, j)
    set title sprintf("%s, %s", fn, mx) font ",11"
    ns = netsig(mx, fn)
    sp = real(system(sprintf("awk -F'\\t' '!/^#/ && $1 == \"%s\" && $2 == \"%s\" {print $15}' %s", mx, fn, ff)))
    set yrange [*:*]
    stats [*:*] rows(mx, fn, c) using 7 name "R" nooutput
    stats [*:*] rows(mx, fn, c) using 12 name "F" nooutput
    lo = R_min < F_min ? R_min : F_min
    hi = R_max > F_max ? R_max : F_max
    lo = ns < lo ? ns : lo
    hi = ns > hi ? ns : hi
    lo = sp < lo ? sp : lo
    hi = sp > hi ? sp : hi
    # at least 0.3 tall (three tolerances of 0.1), so that a gap of one
    # tolerance looks the same size in every panel
    mid = (lo + hi) / 2
    if (hi - lo < 0.3) { lo = mid - 0.15; hi = mid + 0.15 }
    set yrange [lo - 0.05 * (hi - lo) : hi + 0.05 * (hi - lo)]
    plot rows(mx, fn, c) using 3:12 with lines lw 2 lc rgb "black", \
         rows(mx, fn, c) using 3:(ns) with lines lw 2 dt 2 lc rgb "#d62728", \
         rows(mx, fn, c) using 3:7 with linespoints lw 2 pt 7 ps 1 lc rgb word(colors, j), \
         rows(mx, fn, ff) using (2):15 with points pt 7 ps 2.2 lc rgb word(colors, j)
  }
}
unset multiplot

# (4) KL is maximum likelihood: the ML Gaussian of n samples against the KL minimiser
reset
load "plots/style.gp"
f = dir."/mle.tsv"
set output dir."/fgan-fit-mle.png"
sd = real(system(sprintf("awk '/^# sd_P:/ {print $3}' %s", f)))
set title "Minimising KL is maximum likelihood: the ML Gaussian of n samples approaches\nthe KL minimiser (P's mean and sd) with an RMS error ∝ 1/√n"
set xlabel "samples n"
set ylabel "RMS error over replicates"
set logscale xy
set key top right
set rmargin 5
plot f using 1:2 with points ls 2 ps 1.2 title "mean: RMS(x̄ - μ_P)", \
     f using 1:3 with points pt 5 ps 1.0 lc rgb "#2c7bb6" title "sd: RMS(s - σ_P)", \
     sd/sqrt(x) with lines ls 1 title "σ_P / √n (exact for the mean)"
