# e2_alpha_eff: alpha_eff(inf): integrated flow (points) and T3 prediction (lines)
# Drawn by wnflow from e2_alpha_eff.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e2_alpha_eff.gp` in this directory;
# it rewrites e2_alpha_eff.png and e2_alpha_eff.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e2_alpha_eff.csv'
if (!exists('png_out')) png_out = 'e2_alpha_eff.png'
if (!exists('svg_out')) svg_out = 'e2_alpha_eff.svg'
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
set xlabel 'initialization scale alpha'
set ylabel 'alpha_eff(inf)'
set logscale x
set format x '1e%L'
set logscale y
set format y '1e%L'
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1120,880 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1120,880 dynamic font 'sans-serif,10' background rgb 'white'
    set output svg_out
  }
  set multiplot layout 2,2 title 'alpha_eff(inf): integrated flow (points) and T3 prediction (lines)'
  set title 'sign=positive depth=2'
  plot data every ::0::8 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       data every ::0::8 using 'alpha':'alpha_eff_predicted_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::9::17 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       data every ::9::17 using 'alpha':'alpha_eff_predicted_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       data every ::18::26 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       data every ::18::26 using 'alpha':'alpha_eff_predicted_median' with lines lc 3 dt 2 lw 1.5 notitle, \
       data every ::27::35 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=1', \
       data every ::27::35 using 'alpha':'alpha_eff_predicted_median' with lines lc 4 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'alpha_eff_predicted (predicted)'
  set title 'sign=positive depth=3'
  plot data every ::36::44 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       data every ::36::44 using 'alpha':'alpha_eff_predicted_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::45::53 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       data every ::45::53 using 'alpha':'alpha_eff_predicted_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       data every ::54::62 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       data every ::54::62 using 'alpha':'alpha_eff_predicted_median' with lines lc 3 dt 2 lw 1.5 notitle, \
       data every ::63::71 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=1', \
       data every ::63::71 using 'alpha':'alpha_eff_predicted_median' with lines lc 4 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'alpha_eff_predicted (predicted)'
  set title 'sign=signed depth=2'
  plot data every ::72::80 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       data every ::72::80 using 'alpha':'alpha_eff_predicted_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::81::89 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       data every ::81::89 using 'alpha':'alpha_eff_predicted_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       data every ::90::98 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       data every ::90::98 using 'alpha':'alpha_eff_predicted_median' with lines lc 3 dt 2 lw 1.5 notitle, \
       data every ::99::107 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=1', \
       data every ::99::107 using 'alpha':'alpha_eff_predicted_median' with lines lc 4 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'alpha_eff_predicted (predicted)'
  set title 'sign=signed depth=3'
  plot data every ::108::116 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       data every ::108::116 using 'alpha':'alpha_eff_predicted_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::117::125 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       data every ::117::125 using 'alpha':'alpha_eff_predicted_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       data every ::126::134 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       data every ::126::134 using 'alpha':'alpha_eff_predicted_median' with lines lc 3 dt 2 lw 1.5 notitle, \
       data every ::135::143 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=1', \
       data every ::135::143 using 'alpha':'alpha_eff_predicted_median' with lines lc 4 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'alpha_eff_predicted (predicted)'
  unset multiplot
  set output
}
