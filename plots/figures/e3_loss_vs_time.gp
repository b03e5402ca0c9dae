# e3_loss_vs_time: Loss along the flow
# Drawn by wnflow from e3_loss_vs_time.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e3_loss_vs_time.gp` in this directory;
# it rewrites e3_loss_vs_time.png and e3_loss_vs_time.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e3_loss_vs_time.csv'
if (!exists('png_out')) png_out = 'e3_loss_vs_time.png'
if (!exists('svg_out')) svg_out = 'e3_loss_vs_time.svg'
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1120,518 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1120,518 dynamic font 'sans-serif,10' background rgb 'white'
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
  set xlabel 'time t'
  set ylabel 'loss'
  unset logscale
  set logscale x
  set format x '1e%L'
  set logscale y
  set format y '1e%L'
  set xrange [*:*]
  set yrange [*:*]
  set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
  set multiplot title "Loss along the flow\nN = 60, M = 20, s = 3, 1 trial"
  set origin 0.00000,0.10039
  set size 0.50000,0.81081
  set title "L=2"
  plot data every ::0::191 using 'sample_t':'sample_loss' with lines lc 1 lw 1.5 notitle, \
       data every ::192::350 using 'sample_t':'sample_loss' with lines lc 2 lw 1.5 notitle, \
       data every ::351::475 using 'sample_t':'sample_loss' with lines lc 3 lw 1.5 notitle, \
       data every ::476::570 using 'sample_t':'sample_loss' with lines lc 4 lw 1.5 notitle, \
       data every ::571::811 using 'sample_t':'sample_loss' with lines lc 5 lw 1.5 notitle, \
       data every ::812::959 using 'sample_t':'sample_loss' with lines lc 6 lw 1.5 notitle, \
       data every ::960::1123 using 'sample_t':'sample_loss' with lines lc 7 lw 1.5 notitle, \
       data every ::1124::1326 using 'sample_t':'sample_loss' with lines lc 8 lw 1.5 notitle
  set origin 0.50000,0.10039
  set size 0.50000,0.81081
  set title "L=3"
  plot data every ::1327::1568 using 'sample_t':'sample_loss' with lines lc 1 lw 1.5 notitle, \
       data every ::1569::1759 using 'sample_t':'sample_loss' with lines lc 2 lw 1.5 notitle, \
       data every ::1760::1877 using 'sample_t':'sample_loss' with lines lc 3 lw 1.5 notitle, \
       data every ::1878::1934 using 'sample_t':'sample_loss' with lines lc 4 lw 1.5 notitle, \
       data every ::1935::2104 using 'sample_t':'sample_loss' with lines lc 5 lw 1.5 notitle, \
       data every ::2105::2267 using 'sample_t':'sample_loss' with lines lc 6 lw 1.5 notitle, \
       data every ::2268::2426 using 'sample_t':'sample_loss' with lines lc 7 lw 1.5 notitle, \
       data every ::2427::2621 using 'sample_t':'sample_loss' with lines lc 8 lw 1.5 notitle
  set origin 0,0
  set size 1,0.10039
  unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
  set offsets 0, 0, 0, 0
  set key center center horizontal Left reverse maxcols 5 samplen 2 width 1
  set xrange [0:1]; set yrange [0:1]
  plot NaN with lines lc 1 lw 1.5 title 'GF alpha=0.01', \
       NaN with lines lc 2 lw 1.5 title 'GF alpha=0.1', \
       NaN with lines lc 3 lw 1.5 title 'GF alpha=1', \
       NaN with lines lc 4 lw 1.5 title 'GF alpha=10', \
       NaN with lines lc 5 lw 1.5 title 'WN q=0.05 alpha=0.01', \
       NaN with lines lc 6 lw 1.5 title 'WN q=0.05 alpha=0.1', \
       NaN with lines lc 7 lw 1.5 title 'WN q=0.05 alpha=1', \
       NaN with lines lc 8 lw 1.5 title 'WN q=0.05 alpha=10'
  unset multiplot
  set output
}
