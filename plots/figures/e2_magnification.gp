# e2_magnification: Magnification alpha / alpha_eff(inf): flow (points) and T3 prediction (lines)
# Drawn by wnflow from e2_magnification.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e2_magnification.gp` in this directory;
# it rewrites e2_magnification.png and e2_magnification.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e2_magnification.csv'
if (!exists('png_out')) png_out = 'e2_magnification.png'
if (!exists('svg_out')) svg_out = 'e2_magnification.svg'
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
  set ylabel 'alpha / alpha_eff'
  unset logscale
  set logscale x
  set format x '1e%L'
  set logscale y
  set format y '1e%L'
  set xrange [*:*]
  set yrange [0.1:10000]
  set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
  set multiplot title "Magnification alpha / alpha_eff(inf): flow (points) and T3 prediction (lines)\nN = 60, M = 20, s = 3, 3 trials"
  set origin 0.00000,0.50320
  set size 0.50000,0.44776
  set title "sign=positive L=2\nleft out: 6 not converged\noff the axis: 1 below 0.1, 4 above 10000"
  plot data every ::0::8 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::9::17 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::18::26 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::27::35 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::0::8 using 'alpha':'magnification_predicted_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::9::17 using 'alpha':'magnification_predicted_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::18::26 using 'alpha':'magnification_predicted_median' with lines lc 3 dt 1 lw 1.5 notitle, \
       data every ::27::35 using 'alpha':'magnification_predicted_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0.50000,0.50320
  set size 0.50000,0.44776
  set title "sign=positive L=3\nleft out: 21 not converged\noff the axis: 1 below 0.1, 1 above 10000"
  plot data every ::36::44 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::45::53 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::54::62 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::63::71 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::36::44 using 'alpha':'magnification_predicted_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::45::53 using 'alpha':'magnification_predicted_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::54::62 using 'alpha':'magnification_predicted_median' with lines lc 3 dt 1 lw 1.5 notitle, \
       data every ::63::71 using 'alpha':'magnification_predicted_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0.00000,0.05544
  set size 0.50000,0.44776
  set title "sign=signed L=2\noff the axis: 1 below 0.1, 3 above 10000"
  plot data every ::72::80 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::81::89 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::90::98 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::99::107 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::72::80 using 'alpha':'magnification_predicted_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::81::89 using 'alpha':'magnification_predicted_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::90::98 using 'alpha':'magnification_predicted_median' with lines lc 3 dt 1 lw 1.5 notitle, \
       data every ::99::107 using 'alpha':'magnification_predicted_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0.50000,0.05544
  set size 0.50000,0.44776
  set title "sign=signed L=3\nleft out: 12 not converged\noff the axis: 1 below 0.1"
  plot data every ::108::116 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::117::125 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::126::134 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::135::143 using 'alpha':'magnification_median':'magnification_q1':'magnification_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::108::116 using 'alpha':'magnification_predicted_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::117::125 using 'alpha':'magnification_predicted_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::126::134 using 'alpha':'magnification_predicted_median' with lines lc 3 dt 1 lw 1.5 notitle, \
       data every ::135::143 using 'alpha':'magnification_predicted_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0,0
  set size 1,0.05544
  unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
  set offsets 0, 0, 0, 0
  set key center center horizontal Left reverse maxcols 5 samplen 2 width 1
  set xrange [0:1]; set yrange [0:1]
  plot NaN with points lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       NaN with points lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       NaN with points lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       NaN with points lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=1', \
       NaN with lines lc rgb '#444444' dt 1 lw 1.5 title 'T3 prediction', \
       NaN with lines lc rgb '#000000' dt 4 lw 1.2 title 'no magnification (GF)'
  unset multiplot
  set output
}
