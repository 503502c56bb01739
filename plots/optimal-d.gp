# SPDX-License-Identifier: GPL-3.0-or-later
# optimal-d.gp — the trained discriminator D (points) against D* (line).
# Reads dir/d1.tsv (x D Dstar p_data p_g), dir/log.tsv and, if present,
# dir/d2.tsv (x y D Dstar p_data p_g) and dir/log2d.tsv.
load "plots/style.gp"
exists_file(f) = strlen(system("ls ".f." 2>/dev/null")) > 0
# the '# plot_xrange: lo hi' metadata line written by the experiment
meta(f, key, i) = real(system(sprintf("awk '/^# %s:/{print $%d}' %s", key, i + 2, f)))

f1 = dir."/d1.tsv"
if (exists_file(f1)) {
  set output dir."/optimal-d.png"
  set title "Proposition 1: a trained discriminator converges to D*(x) = p_{data}(x) / (p_{data}(x) + p_g(x))"
  set xlabel "x"
  set ylabel "discriminator output D(x)"
  set y2label "density"
  set xrange [meta(f1, "plot_xrange", 1):meta(f1, "plot_xrange", 2)]
  set yrange [-0.02:1.02]
  # densities on the right axis, kept below the legend
  stats f1 using 4 nooutput
  dmax = STATS_max
  stats f1 using 5 nooutput
  dmax = STATS_max > dmax ? STATS_max : dmax
  set y2range [0:1.35 * dmax]
  set ytics 0.1
  set y2tics
  set key top center
  plot f1 using 1:4 axes x1y2 with filledcurves y1=0 ls 3 title "p_{data}(x)", \
       f1 using 1:5 axes x1y2 with filledcurves y1=0 ls 4 title "p_g(x)", \
       f1 using 1:3 with lines ls 1 title "D*(x), exact", \
       f1 using 1:2 every 8 with points ls 2 title "D(x), trained network"
  unset y2label; unset y2tics; unset title; set xrange [*:*]

  set output dir."/optimal-d-training.png"
  set title "Training the discriminator: its distance to D* while it learns"
  set xlabel "Adam step"
  set ylabel "weighted L1 error  ∫|D - D*| (p_{data}+p_g)/2 dx  (grid)"
  set logscale y
  set yrange [*:*]
  set ytics auto
  set key top right
  if (exists_file(dir."/log2d.tsv")) {
    plot dir."/log.tsv" using 1:3 with linespoints ls 2 title "1-D panel", \
         dir."/log2d.tsv" using 1:3 with linespoints ls 5 title "2-D panel"
  } else {
    plot dir."/log.tsv" using 1:3 with linespoints ls 2 title "1-D panel"
  }
  unset logscale y; unset title
}

f2 = dir."/d2.tsv"
if (exists_file(f2)) {
  set terminal pngcairo enhanced size 1500,540 font "DejaVu Sans,12"
  set output dir."/optimal-d-2d.png"
  set multiplot layout 1,3 title "2-D: ".system("awk '/^# pdata:/{print $3}' ".f2)." against ".system("awk '/^# pg:/{print $3}' ".f2)." — trained D, exact D*, and their difference"
  unset key
  set size ratio -1
  set xrange [meta(f2, "plot_xrange", 1):meta(f2, "plot_xrange", 2)]
  set yrange [meta(f2, "plot_yrange", 1):meta(f2, "plot_yrange", 2)]
  set xlabel "x"; set ylabel "y"
  set grid noxtics noytics
  set style fill solid 1.0
  set palette defined (0 "#fff7ec", 0.25 "#fdbb84", 0.5 "#ef6548", 0.75 "#b30000", 1 "#4a0000")
  set cbrange [0:1]
  set title "D(x,y), trained"
  plot f2 using 1:2:3 with image
  set title "D*(x,y), exact"
  plot f2 using 1:2:4 with image
  set palette defined (-1 "#2166ac", 0 "#ffffff", 1 "#b2182b")
  set cbrange [-0.15:0.15]
  set title "D - D*"
  plot f2 using 1:2:($3-$4) with image
  unset multiplot
}
