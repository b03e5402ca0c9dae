# e8_alpha_eff: alpha_eff(inf) of WN vs N at alpha = 100 (points); beta_inf as alpha -> inf (dashed, on the points where capped)
# Drawn by wnflow from e8_alpha_eff.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e8_alpha_eff.gp` in this directory;
# it rewrites e8_alpha_eff.png and e8_alpha_eff.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e8_alpha_eff.csv'
if (!exists('png_out')) png_out = 'e8_alpha_eff.png'
if (!exists('svg_out')) svg_out = 'e8_alpha_eff.svg'
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
set xlabel 'N (M = ceil(4 s ln(N/s)), s = 5)'
set ylabel 'alpha_eff(inf)'
set logscale x
set format x '1e%L'
set logscale y
set format y '1e%L'
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1680,880 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1680,880 dynamic font 'sans-serif,10' background rgb 'white'
    set output svg_out
  }
  set multiplot layout 2,3 title 'alpha_eff(inf) of WN vs N at alpha = 100 (points); beta_inf as alpha -> inf (dashed, on the points where capped)'
  set title 'sign=positive L=2'
  plot data every ::0::2 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::0::2 using 'N':'beta_inf_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::3::5 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::3::5 using 'N':'beta_inf_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       data every ::6::8 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       data every ::6::8 using 'N':'beta_inf_median' with lines lc 3 dt 2 lw 1.5 notitle, \
       data every ::9::12 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio', \
       data every ::9::12 using 'N':'beta_inf_median' with lines lc 4 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'beta_inf (alpha -> inf)'
  set title 'sign=positive L=3'
  plot data every ::13::15 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::13::15 using 'N':'beta_inf_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::16::18 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::16::18 using 'N':'beta_inf_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       data every ::19::21 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       data every ::19::21 using 'N':'beta_inf_median' with lines lc 3 dt 2 lw 1.5 notitle, \
       data every ::22::25 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio', \
       data every ::22::25 using 'N':'beta_inf_median' with lines lc 4 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'beta_inf (alpha -> inf)'
  set title 'sign=positive L=4'
  plot data every ::26::28 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::26::28 using 'N':'beta_inf_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::29::31 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::29::31 using 'N':'beta_inf_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       data every ::32::34 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       data every ::32::34 using 'N':'beta_inf_median' with lines lc 3 dt 2 lw 1.5 notitle, \
       data every ::35::38 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio', \
       data every ::35::38 using 'N':'beta_inf_median' with lines lc 4 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'beta_inf (alpha -> inf)'
  set title 'sign=signed L=2'
  plot data every ::39::42 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::39::42 using 'N':'beta_inf_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::43::46 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::43::46 using 'N':'beta_inf_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'beta_inf (alpha -> inf)'
  set title 'sign=signed L=3'
  plot data every ::47::50 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::47::50 using 'N':'beta_inf_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::51::54 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::51::54 using 'N':'beta_inf_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'beta_inf (alpha -> inf)'
  set title 'sign=signed L=4'
  plot data every ::55::58 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::55::58 using 'N':'beta_inf_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::59::62 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::59::62 using 'N':'beta_inf_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'beta_inf (alpha -> inf)'
  unset multiplot
  set output
}
