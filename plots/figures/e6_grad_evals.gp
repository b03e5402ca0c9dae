# e6_grad_evals: Gradient evaluations incl. Hessian-vector products and every try of the search (converged cells)
# Drawn by wnflow from e6_grad_evals.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e6_grad_evals.gp` in this directory;
# it rewrites e6_grad_evals.png and e6_grad_evals.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e6_grad_evals.csv'
if (!exists('png_out')) png_out = 'e6_grad_evals.png'
if (!exists('svg_out')) svg_out = 'e6_grad_evals.svg'
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
set ylabel 'gradient evaluations'
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
  set multiplot layout 2,2 title 'Gradient evaluations incl. Hessian-vector products and every try of the search (converged cells)'
  set title 'L=2'
  plot data every ::0::6 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GD curvature', \
       data every ::7::13 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GD grid', \
       data every ::14::18 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD curvature', \
       data every ::19::25 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD grid', \
       data every ::26::32 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD curvature', \
       data every ::33::39 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD grid'
  set title 'L=3'
  plot data every ::40::44 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GD curvature', \
       data every ::45::49 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GD grid', \
       data every ::50::53 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD curvature', \
       data every ::54::59 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD grid', \
       data every ::60::63 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD curvature', \
       data every ::64::66 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD grid'
  set title 'L=4'
  plot data every ::67::71 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GD curvature', \
       data every ::72::76 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GD grid', \
       data every ::77::80 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD curvature', \
       data every ::81::86 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'classic WN-GD grid', \
       data every ::87::90 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD curvature', \
       data every ::91::93 using 'alpha':'search_grad_evals_median':'search_grad_evals_q1':'search_grad_evals_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 title 'polar WN-GD grid'
  unset multiplot
  set output
}
