# e8_alpha_eff: alpha_eff(inf) of WN vs N at alpha = 100 (points); beta_inf as alpha -> inf (line, where capped)
# Drawn by wnflow from e8_alpha_eff.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e8_alpha_eff.gp` in this directory;
# it rewrites e8_alpha_eff.png and e8_alpha_eff.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e8_alpha_eff.csv'
if (!exists('png_out')) png_out = 'e8_alpha_eff.png'
if (!exists('svg_out')) svg_out = 'e8_alpha_eff.svg'
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
  set ylabel 'alpha_eff(inf)'
  unset logscale
  set logscale x
  set format x '1e%L'
  set logscale y
  set format y '1e%L'
  set xrange [*:*]
  set yrange [*:*]
  set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
  set multiplot title "alpha_eff(inf) of WN vs N at alpha = 100 (points); beta_inf as alpha -> inf (line, where capped)\nM = 60..130, s = 5, 10 trials"
  set origin 0.00000,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=2\nleft out: 30 not converged, 15 failed"
  plot data every ::0::3 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::4::7 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::8::11 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::12::15 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::0::3 using 'N':'beta_inf_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::4::7 using 'N':'beta_inf_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::8::11 using 'N':'beta_inf_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       data every ::12::15 using 'N':'beta_inf_median' with lines lc 5 dt 1 lw 1.5 notitle
  set origin 0.33333,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=3\nleft out: 45 not converged"
  plot data every ::16::19 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::20::23 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::24::27 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::28::31 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::16::19 using 'N':'beta_inf_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::20::23 using 'N':'beta_inf_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::24::27 using 'N':'beta_inf_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       data every ::28::31 using 'N':'beta_inf_median' with lines lc 5 dt 1 lw 1.5 notitle
  set origin 0.66667,0.49348
  set size 0.33333,0.45652
  set title "sign=positive L=4\nleft out: 41 not converged"
  plot data every ::32::35 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::36::39 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::40::43 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 4 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::44::47 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 5 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::32::35 using 'N':'beta_inf_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::36::39 using 'N':'beta_inf_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::40::43 using 'N':'beta_inf_median' with lines lc 4 dt 1 lw 1.5 notitle, \
       data every ::44::47 using 'N':'beta_inf_median' with lines lc 5 dt 1 lw 1.5 notitle
  set origin 0.00000,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=2"
  plot data every ::48::51 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::52::55 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::56::59 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::48::51 using 'N':'beta_inf_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::52::55 using 'N':'beta_inf_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::56::59 using 'N':'beta_inf_median' with lines lc 3 dt 1 lw 1.5 notitle
  set origin 0.33333,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=3"
  plot data every ::60::63 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::64::67 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::68::71 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::60::63 using 'N':'beta_inf_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::64::67 using 'N':'beta_inf_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::68::71 using 'N':'beta_inf_median' with lines lc 3 dt 1 lw 1.5 notitle
  set origin 0.66667,0.03696
  set size 0.33333,0.45652
  set title "sign=signed L=4"
  plot data every ::72::75 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 1 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::76::79 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 2 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::80::83 using 'N':'alpha_eff_median':'alpha_eff_q1':'alpha_eff_q3' with yerrorbars lc 3 pt 7 ps 0.8 lw 1.5 notitle, \
       data every ::72::75 using 'N':'beta_inf_median' with lines lc 1 dt 1 lw 1.5 notitle, \
       data every ::76::79 using 'N':'beta_inf_median' with lines lc 2 dt 1 lw 1.5 notitle, \
       data every ::80::83 using 'N':'beta_inf_median' with lines lc 3 dt 1 lw 1.5 notitle
  set origin 0,0
  set size 1,0.03696
  unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
  set offsets 0, 0, 0, 0
  set key center center horizontal Left reverse maxcols 6 samplen 2 width 1
  set xrange [0:1]; set yrange [0:1]
  plot NaN with points lc 1 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       NaN with points lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       NaN with points lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1 separate', \
       NaN with points lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       NaN with points lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio', \
       NaN with lines lc rgb '#444444' dt 1 lw 1.5 title 'beta_inf (alpha -> inf)'
  unset multiplot
  set output
}
