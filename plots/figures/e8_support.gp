# e8_support: Exact-support recovery rate vs N, alpha = 100 (the LP: 1.00 everywhere)
# Drawn by wnflow from e8_support.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e8_support.gp` in this directory;
# it rewrites e8_support.png and e8_support.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e8_support.csv'
if (!exists('png_out')) png_out = 'e8_support.png'
if (!exists('svg_out')) svg_out = 'e8_support.svg'
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1680,886 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1680,886 dynamic font 'sans-serif,10' background rgb 'white'
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
  set xlabel 'N'
  set ylabel 'algorithm'
  unset logscale
  set cbrange [0:1]
  set cblabel 'fraction with missed support entries < 0.5'
  set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', 0.75 '#5ec962', 1 '#fde725')
  set xrange [-0.5:3.5]
  set yrange [-0.5:7.5]
  set xtics ('100' 0, '320' 1, '1000' 2, '3200' 3)
  set ytics ('GF' 0, 'GF alpha=1/sqrt(N)' 1, 'GF alpha=1e-3' 2, 'WN q=0.01' 3, 'WN q=0.1' 4, 'WN q=0.1 separate' 5, 'WN q=0.5qc' 6, 'WN q=0.5qc const-ratio' 7)
  unset grid
  set multiplot title "Exact-support recovery rate vs N, alpha = 100 (the LP: 1.00 everywhere)\nM = 60..130, s = 5, 10 trials"
  set origin 0.00000,0.47404
  set size 0.33333,0.47404
  set title "sign=positive L=2\nleft out: 30 not converged, 15 failed"
  plot data every ::0::27 using 'x_index':'y_index':(0.5):(0.5):'success' with boxxyerror fs solid 1.0 noborder lc palette notitle, \
       data every ::0::27 using 'x_index':'y_index':(sprintf('%.2f', column('success'))):(column('success') > 0.6 ? 0 : 0xffffff) with labels tc rgb variable font ',8' notitle
  set origin 0.33333,0.47404
  set size 0.33333,0.47404
  set title "sign=positive L=3\nleft out: 47 not converged"
  plot data every ::28::55 using 'x_index':'y_index':(0.5):(0.5):'success' with boxxyerror fs solid 1.0 noborder lc palette notitle, \
       data every ::28::55 using 'x_index':'y_index':(sprintf('%.2f', column('success'))):(column('success') > 0.6 ? 0 : 0xffffff) with labels tc rgb variable font ',8' notitle
  set origin 0.66667,0.47404
  set size 0.33333,0.47404
  set title "sign=positive L=4\nleft out: 43 not converged"
  plot data every ::56::83 using 'x_index':'y_index':(0.5):(0.5):'success' with boxxyerror fs solid 1.0 noborder lc palette notitle, \
       data every ::56::83 using 'x_index':'y_index':(sprintf('%.2f', column('success'))):(column('success') > 0.6 ? 0 : 0xffffff) with labels tc rgb variable font ',8' notitle
  set origin 0.00000,0.00000
  set size 0.33333,0.47404
  set title "sign=signed L=2"
  plot data every ::84::107 using 'x_index':'y_index':(0.5):(0.5):'success' with boxxyerror fs solid 1.0 noborder lc palette notitle, \
       data every ::84::107 using 'x_index':'y_index':(sprintf('%.2f', column('success'))):(column('success') > 0.6 ? 0 : 0xffffff) with labels tc rgb variable font ',8' notitle
  set origin 0.33333,0.00000
  set size 0.33333,0.47404
  set title "sign=signed L=3"
  plot data every ::108::131 using 'x_index':'y_index':(0.5):(0.5):'success' with boxxyerror fs solid 1.0 noborder lc palette notitle, \
       data every ::108::131 using 'x_index':'y_index':(sprintf('%.2f', column('success'))):(column('success') > 0.6 ? 0 : 0xffffff) with labels tc rgb variable font ',8' notitle
  set origin 0.66667,0.00000
  set size 0.33333,0.47404
  set title "sign=signed L=4"
  plot data every ::132::155 using 'x_index':'y_index':(0.5):(0.5):'success' with boxxyerror fs solid 1.0 noborder lc palette notitle, \
       data every ::132::155 using 'x_index':'y_index':(sprintf('%.2f', column('success'))):(column('success') > 0.6 ? 0 : 0xffffff) with labels tc rgb variable font ',8' notitle
  unset multiplot
  set output
}
