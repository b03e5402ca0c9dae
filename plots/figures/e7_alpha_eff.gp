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
set grid back ls 100
set key below samplen 2
set samples 200
set xlabel 'ratio q = eta_s r0^2 / eta_r'
set ylabel 'alpha_eff(inf)'
set logscale x
set format x '1e%L'
set logscale y
set format y '1e%L'
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1120,460 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1120,460 dynamic font 'sans-serif,10' background rgb 'white'
    set output svg_out
  }
  set multiplot layout 1,2 title 'alpha_eff(inf) vs learning-rate ratio q at alpha = 3 (lines: T3)'
  set title 'depth=2'
  plot data every ::0::6 using 'ratio':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'constant-rates', \
       data every ::0::6 using 'ratio':'alpha_eff_predicted_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::7::13 using 'ratio':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'constant-ratio', \
       data every ::7::13 using 'ratio':'alpha_eff_predicted_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'alpha_eff_predicted (predicted)'
  set title 'depth=3'
  plot data every ::14::20 using 'ratio':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'constant-rates', \
       data every ::14::20 using 'ratio':'alpha_eff_predicted_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::21::27 using 'ratio':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'constant-ratio', \
       data every ::21::27 using 'ratio':'alpha_eff_predicted_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'alpha_eff_predicted (predicted)'
  unset multiplot
  set output
}
