# e1_relative_error: Relative error of the limit vs initialization scale; lines: the GF limit at the measured alpha_eff (T1 dual)
# Drawn by wnflow from e1_relative_error.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e1_relative_error.gp` in this directory;
# it rewrites e1_relative_error.png and e1_relative_error.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e1_relative_error.csv'
if (!exists('png_out')) png_out = 'e1_relative_error.png'
if (!exists('svg_out')) svg_out = 'e1_relative_error.svg'
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
  set ylabel '|x_inf - x*| / |x*|'
  unset logscale
  set logscale x
  set format x '1e%L'
  set logscale y
  set format y '1e%L'
  set xrange [*:*]
  set yrange [*:*]
  set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
  set multiplot title "Relative error of the limit vs initialization scale; lines: the GF limit at the measured alpha_eff (T1 dual)\nN = 60, M = 20, s = 3, 5 trials"
  set origin 0.00000,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=2\nleft out: 4 not converged, 1 failed"
  plot data every ::0::10 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::11::21 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::22::32 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::33::43 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::44::54 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 6 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::0::10 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::11::21 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::22::32 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 3 dt 1 lw 1.5 notitle, \
       data every ::33::43 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       data every ::44::54 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 6 dt 1 lw 1.5 notitle, \
       1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0.33333,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=3\nleft out: 66 not converged"
  plot data every ::55::65 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::66::76 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::77::87 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::88::98 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::99::109 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 6 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::55::65 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::66::76 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::77::87 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 3 dt 1 lw 1.5 notitle, \
       data every ::88::98 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       data every ::99::109 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 6 dt 1 lw 1.5 notitle, \
       1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0.66667,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=4\nleft out: 76 not converged"
  plot data every ::110::120 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::121::131 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::132::142 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::143::153 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::154::164 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 6 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::110::120 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::121::131 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::132::142 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 3 dt 1 lw 1.5 notitle, \
       data every ::143::153 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       data every ::154::164 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 6 dt 1 lw 1.5 notitle, \
       1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0.00000,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=2"
  plot data every ::165::175 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::176::186 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::187::197 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::198::208 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::209::219 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::220::230 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 6 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::165::175 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::176::186 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::187::197 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 3 dt 1 lw 1.5 notitle, \
       data every ::198::208 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       data every ::209::219 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 5 dt 1 lw 1.5 notitle, \
       data every ::220::230 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 6 dt 1 lw 1.5 notitle, \
       1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0.33333,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=3\nleft out: 75 not converged"
  plot data every ::231::241 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::242::252 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::253::263 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::264::274 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::275::285 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::286::296 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 6 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::231::241 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::242::252 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::253::263 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 3 dt 1 lw 1.5 notitle, \
       data every ::264::274 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       data every ::275::285 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 5 dt 1 lw 1.5 notitle, \
       data every ::286::296 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 6 dt 1 lw 1.5 notitle, \
       1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0.66667,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=4\nleft out: 89 not converged"
  plot data every ::297::307 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::308::318 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::319::329 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::330::340 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::341::351 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::352::362 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorbars lc 6 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::297::307 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::308::318 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::319::329 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 3 dt 1 lw 1.5 notitle, \
       data every ::330::340 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       data every ::341::351 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 5 dt 1 lw 1.5 notitle, \
       data every ::352::362 using 'alpha':'gf_error_at_alpha_eff_median' with lines lc 6 dt 1 lw 1.5 notitle, \
       1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle
  set origin 0,0
  set size 1,0.03696
  unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
  set offsets 0, 0, 0, 0
  set key center center horizontal Left reverse maxcols 8 samplen 2 width 1
  set xrange [0:1]; set yrange [0:1]
  plot NaN with points lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       NaN with points lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       NaN with points lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       NaN with points lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       NaN with points lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 separate', \
       NaN with points lc 6 pt 7 ps 0.8 lw 1.5 title 'WN q=1', \
       NaN with lines lc rgb '#444444' dt 1 lw 1.5 title 'GF limit at the measured alpha_eff (T1/T3)', \
       NaN with lines lc rgb '#000000' dt 4 lw 1.2 title 'error of x = 0'
  unset multiplot
  set output
}
