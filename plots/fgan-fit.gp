# fgan-fit.gp — P and every fitted Gaussian: direct fits (lines) and f-GAN
# generators (dashed), one panel per mixture.
# Reads dir/densities.tsv (x, p_1:1, p_3:1, then MIX_F_direct and MIX_F_fgan
# for each mixture and divergence) and dir/fits.tsv.
load "plots/style.gp"
set terminal pngcairo enhanced size 1300,560 font "DejaVu Sans,12" linewidth 1.5
set output dir."/fgan-fit.png"
f = dir."/densities.tsv"
ncol = int(system("awk -F'\\t' '!/^#/{print NF; exit}' ".f))
nf = (ncol - 3) / 4
names = system("awk -F'\t' '!/^#/ && $1 == \"1:1\" {printf \"%s \", $2}' ".dir."/fits.tsv")
set multiplot layout 1,2 title "The Gaussian closest to P in D_f: direct fit by quadrature (solid) and f-GAN generator (dashed)"
set xrange [-5:5]
set yrange [0:0.85]
set xlabel "x"
set ylabel "density"
set key top right font ",10" spacing 1.0
colors = "#1b9e77 #d95f02 #7570b3 #e7298a #66a61e #e6ab02"
do for [m=0:1] {
  set title (m == 0 ? "P = 0.5 N(-2,0.5) + 0.5 N(2,0.5)" : "P = 0.75 N(-2,0.5) + 0.25 N(2,0.5)")
  plot f using 1:(column(2+m)) with filledcurves y1=0 ls 3 title "P", \
       for [j=1:nf] f using 1:(column(3 + m*2*nf + 2*j - 1)) with lines lw 2.5 lc rgb word(colors, j) title word(names, j), \
       for [j=1:nf] f using 1:(column(3 + m*2*nf + 2*j)) with lines lw 2 dt 2 lc rgb word(colors, j) notitle
}
unset multiplot
