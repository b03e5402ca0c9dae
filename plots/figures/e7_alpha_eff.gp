# e7_alpha_eff: alpha_eff(inf) vs learning-rate ratio q at alpha = 3 (lines: T3)
# Drawn by wnflow from e7_alpha_eff.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e7_alpha_eff.gp` in this directory;
# it rewrites e7_alpha_eff.png and e7_alpha_eff.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e7_alpha_eff.csv'
if (!exists('png_out')) png_out = 'e7_alpha_eff.png'
if (!exists('svg_out')) svg_out = 'e7_alpha_eff.svg'
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1120,500 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1120,500 dynamic font 'sans-serif,10' background rgb 'white'
    set output svg_out
  }
  set linetype 1 lc rgb '#0072b2'
  set linetype 2 lc rgb '#d55e00'
  set linetype 3 lc rgb '#009e73'
  set linetype 4 lc rgb '#cc79a7'
  set linetype 5 lc rgb '#e69f00'
  set linetype 6 lc rgb '#56b4e9'
  set linetype 7 lc rgb '#000000'
  set linetype 8 lc rgb '#f0e442'
  set linetype cycle 8
  set style line 100 lc rgb '#dddddd' lw 1
  set border
  set tics
  set grid back ls 100
  unset key
  set samples 200
  set xlabel 'ratio q = eta_s r0^2 / eta_r'
  set ylabel 'alpha_eff(inf)'
  unset logscale
  set logscale x
  set format x '1e%L'
  set logscale y
  set format y '1e%L'
  set xrange [*:*]
  set yrange [*:*]
  set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
  set multiplot title "alpha_eff(inf) vs learning-rate ratio q at alpha = 3 (lines: T3)\nN = 60, M = 20, s = 3, 3 trials"
  set origin 0.00000,0.06800
  set size 0.50000,0.84000
  set title "L=2"
  plot data every ::0::6 using 'ratio':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::7::13 using 'ratio':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::0::6 using 'ratio':'alpha_eff_predicted_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::7::13 using 'ratio':'alpha_eff_predicted_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       3 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0.50000,0.06800
  set size 0.50000,0.84000
  set title "L=3"
  plot data every ::14::20 using 'ratio':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::21::27 using 'ratio':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::14::20 using 'ratio':'alpha_eff_predicted_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::21::27 using 'ratio':'alpha_eff_predicted_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       3 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0,0
  set size 1,0.06800
  unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
  set offsets 0, 0, 0, 0
  set key center center horizontal Left reverse maxcols 4 samplen 2 width 1
  set xrange [0:1]; set yrange [0:1]
  plot NaN with points lc 1 pt 7 ps 0.8 lw 1.5 title 'constant-rates', \
       NaN with points lc 2 pt 7 ps 0.8 lw 1.5 title 'constant-ratio', \
       NaN with lines lc rgb '#444444' dt 1 lw 1.5 title 'T3 prediction', \
       NaN with lines lc rgb '#000000' dt 4 lw 1.2 title 'alpha_eff = alpha = 3 (GF)'
  unset multiplot
  set output
}
