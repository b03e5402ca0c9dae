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
set ylabel '|x - x*| / |x*|'
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
  set multiplot layout 1,2 title 'Relative error of the discrete limit'
  set title 'depth=2'
  plot data every ::0::6 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GD', \
       data every ::7::13 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN-GD q=0.05'
  set title 'depth=3'
  plot data every ::14::20 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GD', \
       data every ::21::27 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN-GD q=0.05'
  unset multiplot
  set output
}
