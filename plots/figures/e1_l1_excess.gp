# e1_l1_excess: l1 excess of the limit vs initialization scale
# Drawn by wnflow from e1_l1_excess.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e1_l1_excess.gp` in this directory;
# it rewrites e1_l1_excess.png and e1_l1_excess.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e1_l1_excess.csv'
if (!exists('png_out')) png_out = 'e1_l1_excess.png'
if (!exists('svg_out')) svg_out = 'e1_l1_excess.svg'
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
  set xlabel 'initialization scale alpha'
  set ylabel '(|x_inf|_1 - tau*) / tau*'
  unset logscale
  set logscale x
  set format x '1e%L'
  set logscale y
  set format y '1e%L'
  set xrange [*:*]
  set yrange [*:*]
  set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
  set multiplot title "l1 excess of the limit vs initialization scale\nN = 60, M = 20, s = 3, 5 trials"
  set origin 0.00000,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=2\nleft out: 4 not converged, 1 failed\noff the axis: 8 <= 0"
  plot data every ::0::10 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::11::21 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::22::32 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::33::43 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::44::54 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.33333,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=3\nleft out: 66 not converged\noff the axis: 2 <= 0"
  plot data every ::55::65 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::66::76 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::77::87 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::88::98 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::99::109 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.66667,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=4\nleft out: 76 not converged\noff the axis: 4 <= 0"
  plot data every ::110::120 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::121::131 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::132::142 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::143::153 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::154::164 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.00000,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=2\noff the axis: 7 <= 0"
  plot data every ::165::175 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::176::186 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::187::197 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::198::208 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::209::219 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::220::230 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.33333,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=3\nleft out: 75 not converged\noff the axis: 2 <= 0"
  plot data every ::231::241 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::242::252 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::253::263 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::264::274 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::275::285 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::286::296 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0.66667,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=4\nleft out: 89 not converged\noff the axis: 3 <= 0"
  plot data every ::297::307 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::308::318 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::319::329 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::330::340 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::341::351 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::352::362 using 'alpha':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 notitle
  set origin 0,0
  set size 1,0.03696
  unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
  set offsets 0, 0, 0, 0
  set key center center horizontal Left reverse maxcols 6 samplen 2 width 1
  set xrange [0:1]; set yrange [0:1]
  plot NaN with linespoints lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       NaN with linespoints lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       NaN with linespoints lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       NaN with linespoints lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       NaN with linespoints lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 separate', \
       NaN with linespoints lc 6 pt 7 ps 0.8 lw 1.5 title 'WN q=1'
  unset multiplot
  set output
}
