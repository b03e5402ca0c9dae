# e8_relative_error: Relative error of the limit vs N, alpha = 100
# Drawn by wnflow from e8_relative_error.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e8_relative_error.gp` in this directory;
# it rewrites e8_relative_error.png and e8_relative_error.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e8_relative_error.csv'
if (!exists('png_out')) png_out = 'e8_relative_error.png'
if (!exists('svg_out')) svg_out = 'e8_relative_error.svg'
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1680,920 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1680,920 dynamic font 'sans-serif,10' background rgb 'white'
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
  set xlabel 'N (M = ceil(4 s ln(N/s)), s = 5)'
  set ylabel '|x_inf - x*| / |x*|'
  unset logscale
  set logscale x
  set format x '1e%L'
  set logscale y
  set format y '1e%L'
  set xrange [*:*]
  set yrange [*:*]
  set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
  set multiplot title "Relative error of the limit vs N, alpha = 100\nM = 60..130, s = 5, 10 trials"
  set origin 0.00000,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=2\nleft out: 30 not converged, 15 failed"
  plot data every ::0::3 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::4::7 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::8::11 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::12::15 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::16::19 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::20::23 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 7 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::24::27 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 8 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.33333,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=3\nleft out: 47 not converged"
  plot data every ::28::31 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::32::35 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::36::39 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::40::43 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::44::47 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::48::51 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 7 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::52::55 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 8 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.66667,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=4\nleft out: 43 not converged"
  plot data every ::56::59 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::60::63 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::64::67 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::68::71 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::72::75 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::76::79 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 7 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::80::83 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 8 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.00000,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=2"
  plot data every ::84::87 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::88::91 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::92::95 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::96::99 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::100::103 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::104::107 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.33333,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=3"
  plot data every ::108::111 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::112::115 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::116::119 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::120::123 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::124::127 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::128::131 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.66667,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=4"
  plot data every ::132::135 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::136::139 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::140::143 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::144::147 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::148::151 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::152::155 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0,0
  set size 1,0.03696
  unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
  set offsets 0, 0, 0, 0
  set key center center horizontal Left reverse maxcols 8 samplen 2 width 1
  set xrange [0:1]; set yrange [0:1]
  plot NaN with linespoints lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       NaN with linespoints lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       NaN with linespoints lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       NaN with linespoints lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       NaN with linespoints lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       NaN with linespoints lc 6 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1 separate', \
       NaN with linespoints lc 7 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       NaN with linespoints lc 8 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio'
  unset multiplot
  set output
}
