# SPDX-License-Identifier: GPL-3.0-or-later
# saturation.gp — minimax vs non-saturating generator gradients as D improves.
# Reads dir/persample.tsv (dsteps D mm_dlda ns_dlda), dir/sharpen.tsv,
# dir/trained.tsv and dir/jsd.tsv (gopt loss seed step jsd abserr, one block per run).
load "plots/style.gp"

# (a) the derivative of each generator loss with respect to D's logit
set output dir."/saturation-dlogit.png"
set title "d/d(logit) of the generator loss on a fake sample: minimax -D, non-saturating -(1-D)"
set xlabel "D(G(z)) = sigmoid(a)"
set ylabel "∂L_G/∂a  (per sample)"
set xrange [0:1]
set yrange [-1.05:0.05]
set key bottom center
set samples 201
plot -x with lines ls 1 title "minimax  log(1-D):  -D", \
     -(1-x) with lines ls 5 title "non-saturating  -log D:  -(1-D)", \
     dir."/persample.tsv" using 2:3 with points ls 2 title "minimax, gl\\_loss\\_g\\_grad on a trained D", \
     dir."/persample.tsv" using 2:4 with points ls 3 pt 5 ps 0.5 title "non-saturating, gl\\_loss\\_g\\_grad"
unset title

# (b1) D sharpened towards D*: exact gradient norms
set output dir."/saturation-sharpen.png"
set title "Fixed G (p_g = N(-6, 0.5)), D = sigmoid(t log(p_{data}/p_g)), t = 1 is D*: exact ‖∇_θ L_G‖"
set xlabel "sharpening t"
set ylabel "‖∇_θ L_G‖,  θ = (a, b) of G(z) = az + b"
set xrange [0.05:1.05]
set yrange [*:*]
set logscale y
set format y "10^{%L}"
set key center right
plot dir."/sharpen.tsv" using 1:7 with linespoints ls 6 pt 7 title "non-saturating", \
     dir."/sharpen.tsv" using 1:4 with linespoints ls 4 pt 7 title "minimax", \
     dir."/sharpen.tsv" using 1:8 with linespoints ls 1 pt 6 title "ratio minimax / non-saturating", \
     dir."/sharpen.tsv" using 1:10 with lines ls 5 title "E D(G(z)) / E(1-D(G(z)))  (the b-component's ratio)"
unset title

# (b2) D trained for more and more steps against the same fixed G
set output dir."/saturation-trained.png"
set title "Fixed G, D trained for more steps: generator gradient norms (lines exact over z, points minibatch of 1024)"
set xlabel "discriminator training steps + 1"
set ylabel "‖∇_θ L_G‖"
set logscale x
set xrange [*:*]
set format x "10^{%L}"
set key bottom left
plot dir."/trained.tsv" using ($1+1):7 with lines ls 6 title "non-saturating, exact", \
     dir."/trained.tsv" using ($1+1):4 with points ls 6 pt 7 ps 1 title "non-saturating, minibatch", \
     dir."/trained.tsv" using ($1+1):6 with lines ls 4 title "minimax, exact", \
     dir."/trained.tsv" using ($1+1):3 with points ls 4 pt 7 ps 1 title "minimax, minibatch", \
     dir."/trained.tsv" using ($1+1):2 with linespoints ls 1 dt 3 pt 4 title "mean D(G(z))"
unset logscale x; unset logscale y; set format x "% h"; set format y "% h"; unset title

# (c) training from the same bad start
f = dir."/jsd.tsv"
# one block per run: count the rows of step 0
nb = int(system(sprintf("awk -F'\t' '!/^#/ && $4 == \"0\"' %s | wc -l", f)))
ns = nb / 3
level = real(system(sprintf("awk '/^# jsd_level:/{print $3}' %s", f)))
set output dir."/saturation-jsd.png"
set title "Same bad start (G shifted to -6), same seeds: exact JSD(p_{data} ‖ p_g) while training"
set xlabel "generator step"
set ylabel "JSD(p_{data} ‖ p_g)"
set yrange [0:0.75]
set xrange [*:*]
set key top right
set arrow 1 from graph 0, first log(2) to graph 1, first log(2) nohead dt 2 lc rgb "#888888"
set arrow 2 from graph 0, first level to graph 1, first level nohead dt 3 lc rgb "#888888"
set label 1 "log 2" at graph 0.01, first log(2) - 0.02
set label 2 sprintf("level %g", level) at graph 0.01, first level - 0.02
set arrow 3 from first 500, graph 0 to first 500, graph 1 nohead dt 3 lc rgb "#888888"
set label 3 "step 500: the claims compare here" at first 520, graph 0.05
lt(i) = i < ns ? 4 : (i < 2 * ns ? 6 : 5)
tt(i) = i == 0 ? "minimax, G by SGD" : (i == ns ? "non-saturating, G by SGD" : (i == 2 * ns ? "minimax, G by Adam" : ""))
plot for [i=0:nb-1] f index i using 4:5 with lines ls lt(i) title tt(i)
