# e6_relative_error: Relative error of the discrete limit
# Drawn by wnflow from e6_relative_error.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e6_relative_error.gp` in this directory;
# it rewrites e6_relative_error.png and e6_relative_error.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e6_relative_error.csv'
if (!exists('png_out')) png_out = 'e6_relative_error.png'
if (!exists('svg_out')) svg_out = 'e6_relative_error.svg'
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1120,938 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1120,938 dynamic font 'sans-serif,10' background rgb 'white'
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
  set ylabel '|x - x*| / |x*|'
  unset logscale
  set logscale x
  set format x '1e%L'
  set logscale y
  set format y '1e%L'
  set xrange [*:*]
  set yrange [*:*]
  set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
  set multiplot title "Relative error of the discrete limit\nN = 60, M = 20, s = 3, 3 trials"
  set origin 0.00000,0.50320
  set size 0.50000,0.44776
  set title "L=2\nleft out: 12 not converged, 2 diverged"
  plot data every ::0::6 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::7::13 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::14::20 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::21::27 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::28::34 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::35::41 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.50000,0.50320
  set size 0.50000,0.44776
  set title "L=3\nleft out: 49 not converged, 3 diverged"
  plot data every ::42::48 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::49::55 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::56::62 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::63::69 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::70::76 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::77::83 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.00000,0.05544
  set size 0.50000,0.44776
  set title "L=4\nleft out: 45 not converged, 9 diverged"
  plot data every ::84::90 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::91::97 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::98::104 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::105::111 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::112::118 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::119::125 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0,0
  set size 1,0.05544
  unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
  set offsets 0, 0, 0, 0
  set key center center horizontal Left reverse maxcols 5 samplen 2 width 1
  set xrange [0:1]; set yrange [0:1]
  plot NaN with linespoints lc 1 pt 7 ps 0.8 lw 1.5 title 'GD curvature', \
       NaN with linespoints lc 2 pt 7 ps 0.8 lw 1.5 title 'GD grid', \
       NaN with linespoints lc 3 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD curvature', \
       NaN with linespoints lc 4 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD grid', \
       NaN with linespoints lc 5 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD curvature', \
       NaN with linespoints lc 6 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD grid'
  unset multiplot
  set output
}
