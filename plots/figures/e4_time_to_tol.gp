# e4_time_to_tol: Flow time to loss 1e-12 in units of the fastest mode at the limit
# Drawn by wnflow from e4_time_to_tol.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e4_time_to_tol.gp` in this directory;
# it rewrites e4_time_to_tol.png and e4_time_to_tol.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e4_time_to_tol.csv'
if (!exists('png_out')) png_out = 'e4_time_to_tol.png'
if (!exists('svg_out')) svg_out = 'e4_time_to_tol.svg'
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1120,920 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1120,920 dynamic font 'sans-serif,10' background rgb 'white'
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
  set xlabel 'initialization scale alpha'
  set ylabel 't * lambda_max(A P A^T at the limit)'
  unset logscale
  set logscale x
  set format x '1e%L'
  set logscale y
  set format y '1e%L'
  set xrange [*:*]
  set yrange [*:*]
  set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
  set multiplot title "Flow time to loss 1e-12 in units of the fastest mode at the limit\nN = 60, M = 20, s = 3, 3 trials"
  set origin 0.00000,0.49348
  set size 0.50000,0.45652
  set title "sign=positive L=2"
  plot data every ::0::10 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::11::21 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::22::32 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.50000,0.49348
  set size 0.50000,0.45652
  set title "sign=positive L=3\nleft out: 15 not converged"
  plot data every ::33::43 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::44::54 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::55::65 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.00000,0.03696
  set size 0.50000,0.45652
  set title "sign=signed L=2"
  plot data every ::66::76 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::77::87 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::88::98 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.50000,0.03696
  set size 0.50000,0.45652
  set title "sign=signed L=3\nleft out: 15 not converged"
  plot data every ::99::109 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::110::120 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::121::131 using 'alpha':'t_scaled_median':'t_scaled_q1':'t_scaled_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0,0
  set size 1,0.03696
  unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
  set offsets 0, 0, 0, 0
  set key center center horizontal Left reverse maxcols 3 samplen 2 width 1
  set xrange [0:1]; set yrange [0:1]
  plot NaN with linespoints lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       NaN with linespoints lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       NaN with linespoints lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=1'
  unset multiplot
  set output
}
