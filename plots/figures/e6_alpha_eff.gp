# e6_alpha_eff: alpha_eff: discrete (points) and the flow with the same rates (dashed)
# Drawn by wnflow from e6_alpha_eff.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e6_alpha_eff.gp` in this directory;
# it rewrites e6_alpha_eff.png and e6_alpha_eff.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e6_alpha_eff.csv'
if (!exists('png_out')) png_out = 'e6_alpha_eff.png'
if (!exists('svg_out')) svg_out = 'e6_alpha_eff.svg'
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
set ylabel 'alpha_eff'
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
  set multiplot layout 2,2 title 'alpha_eff: discrete (points) and the flow with the same rates (dashed)'
  set title 'L=2'
  plot data every ::0::4 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD curvature', \
       data every ::0::4 using 'alpha':'alpha_eff_flow_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::5::11 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD grid', \
       data every ::5::11 using 'alpha':'alpha_eff_flow_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       data every ::12::18 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD curvature', \
       data every ::12::18 using 'alpha':'alpha_eff_flow_median' with lines lc 3 dt 2 lw 1.5 notitle, \
       data every ::19::25 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD grid', \
       data every ::19::25 using 'alpha':'alpha_eff_flow_median' with lines lc 4 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'flow'
  set title 'L=3'
  plot data every ::26::29 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD curvature', \
       data every ::26::29 using 'alpha':'alpha_eff_flow_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::30::35 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD grid', \
       data every ::30::35 using 'alpha':'alpha_eff_flow_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       data every ::36::39 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD curvature', \
       data every ::36::39 using 'alpha':'alpha_eff_flow_median' with lines lc 3 dt 2 lw 1.5 notitle, \
       data every ::40::42 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD grid', \
       data every ::40::42 using 'alpha':'alpha_eff_flow_median' with lines lc 4 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'flow'
  set title 'L=4'
  plot data every ::43::46 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD curvature', \
       data every ::43::46 using 'alpha':'alpha_eff_flow_median' with lines lc 1 dt 2 lw 1.5 notitle, \
       data every ::47::52 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD grid', \
       data every ::47::52 using 'alpha':'alpha_eff_flow_median' with lines lc 2 dt 2 lw 1.5 notitle, \
       data every ::53::56 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD curvature', \
       data every ::53::56 using 'alpha':'alpha_eff_flow_median' with lines lc 3 dt 2 lw 1.5 notitle, \
       data every ::57::59 using 'alpha':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD grid', \
       data every ::57::59 using 'alpha':'alpha_eff_flow_median' with lines lc 4 dt 2 lw 1.5 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'flow'
  unset multiplot
  set output
}
