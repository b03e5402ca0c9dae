# e8_relative_error: Relative error of the limit vs N, alpha = 100 (converged cells)
# Drawn by wnflow from e8_relative_error.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e8_relative_error.gp` in this directory;
# it rewrites e8_relative_error.png and e8_relative_error.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e8_relative_error.csv'
if (!exists('png_out')) png_out = 'e8_relative_error.png'
if (!exists('svg_out')) svg_out = 'e8_relative_error.svg'
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
set xlabel 'N (M = ceil(4 s ln(N/s)), s = 5)'
set ylabel '|x_inf - x*| / |x*|'
set logscale x
set format x '1e%L'
set logscale y
set format y '1e%L'
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1680,880 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1680,880 dynamic font 'sans-serif,10' background rgb 'white'
    set output svg_out
  }
  set multiplot layout 2,3 title 'Relative error of the limit vs N, alpha = 100 (converged cells)'
  set title 'sign=positive L=2'
  plot data every ::0::3 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::4::7 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::8::11 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::12::14 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::15::17 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::18::20 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       data every ::21::24 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 7 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio'
  set title 'sign=positive L=3'
  plot data every ::25::28 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::29::32 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::33::36 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::37::39 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::40::42 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::43::45 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       data every ::46::49 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 7 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio'
  set title 'sign=positive L=4'
  plot data every ::50::53 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::54::57 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::58::61 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::62::64 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::65::67 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::68::70 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       data every ::71::74 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 7 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio'
  set title 'sign=signed L=2'
  plot data every ::75::78 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::79::82 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::83::86 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::87::90 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::91::94 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1'
  set title 'sign=signed L=3'
  plot data every ::95::98 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::99::102 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::103::106 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::107::110 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::111::114 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1'
  set title 'sign=signed L=4'
  plot data every ::115::118 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::119::122 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::123::126 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::127::130 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::131::134 using 'N':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1'
  unset multiplot
  set output
}
