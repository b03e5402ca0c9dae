# e5_phase_diagram: Success rate (relative error < 1e-3) at alpha = 3
# Drawn by wnflow from e5_phase_diagram.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e5_phase_diagram.gp` in this directory;
# it rewrites e5_phase_diagram.png and e5_phase_diagram.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e5_phase_diagram.csv'
if (!exists('png_out')) png_out = 'e5_phase_diagram.png'
if (!exists('svg_out')) svg_out = 'e5_phase_diagram.svg'
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1120,886 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1120,886 dynamic font 'sans-serif,10' background rgb 'white'
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
  set xlabel 'sparsity s'
  set ylabel 'measurements M'
  unset logscale
  set cbrange [0:1]
  set cblabel 'fraction with relative_error < 0.001'
  set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', 0.75 '#5ec962', 1 '#fde725')
  set xrange [-0.5:7.5]
  set yrange [-0.5:6.5]
  set xtics ('1' 0, '2' 1, '3' 2, '4' 3, '5' 4, '6' 5, '7' 6, '8' 7)
  set ytics ('6' 0, '10' 1, '14' 2, '18' 3, '22' 4, '26' 5, '30' 6)
  unset grid
  set multiplot title "Success rate (relative error < 1e-3) at alpha = 3\nN = 40, 8 trials"
  set origin 0.00000,0.47404
  set size 0.50000,0.47404
  set title "algorithm=GF\nleft out: 161 not converged"
  plot data every ::0::55 using 'x_index':'y_index':(0.5):(0.5):'success' with boxxyerror fs solid 1.0 noborder lc palette notitle, \
       data every ::0::55 using 'x_index':'y_index':(sprintf('%.2f', column('success'))):(column('success') > 0.6 ? 0 : 0xffffff) with labels tc rgb variable font ',8' notitle
  set origin 0.50000,0.47404
  set size 0.50000,0.47404
  set title "algorithm=WN q=0.05\nleft out: 168 not converged"
  plot data every ::56::111 using 'x_index':'y_index':(0.5):(0.5):'success' with boxxyerror fs solid 1.0 noborder lc palette notitle, \
       data every ::56::111 using 'x_index':'y_index':(sprintf('%.2f', column('success'))):(column('success') > 0.6 ? 0 : 0xffffff) with labels tc rgb variable font ',8' notitle
  set origin 0.00000,0.00000
  set size 0.50000,0.47404
  set title "algorithm=l1 (LP)"
  plot data every ::112::167 using 'x_index':'y_index':(0.5):(0.5):'success' with boxxyerror fs solid 1.0 noborder lc palette notitle, \
       data every ::112::167 using 'x_index':'y_index':(sprintf('%.2f', column('success'))):(column('success') > 0.6 ? 0 : 0xffffff) with labels tc rgb variable font ',8' notitle
  unset multiplot
  set output
}
