# e8_l1_excess_a1: Relative l1 excess of the limit vs N, alpha = 1 (converged cells)
# Drawn by wnflow from e8_l1_excess_a1.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e8_l1_excess_a1.gp` in this directory;
# it rewrites e8_l1_excess_a1.png and e8_l1_excess_a1.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e8_l1_excess_a1.csv'
if (!exists('png_out')) png_out = 'e8_l1_excess_a1.png'
if (!exists('svg_out')) svg_out = 'e8_l1_excess_a1.svg'
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
set ylabel '(|x_inf|_1 - tau*) / tau*'
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
  set multiplot layout 2,3 title 'Relative l1 excess of the limit vs N, alpha = 1 (converged cells)'
  set title 'sign=positive L=2'
  plot data every ::0::3 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::4::7 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::8::11 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::12::14 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::15::18 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::19::22 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       data every ::23::26 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 7 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio'
  set title 'sign=positive L=3'
  plot data every ::27::30 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::31::34 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::35::38 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::39::41 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::42::44 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::45::48 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       data every ::49::52 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 7 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio'
  set title 'sign=positive L=4'
  plot data every ::53::56 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::57::60 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::61::64 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::65::67 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::68::70 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1', \
       data every ::71::73 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 6 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc', \
       data every ::74::77 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 7 pt 7 ps 0.8 lw 1.5 title 'WN q=0.5qc const-ratio'
  set title 'sign=signed L=2'
  plot data every ::78::81 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::82::85 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::86::89 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::90::93 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::94::97 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1'
  set title 'sign=signed L=3'
  plot data every ::98::101 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::102::105 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::106::109 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::110::113 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::114::117 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1'
  set title 'sign=signed L=4'
  plot data every ::118::121 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::122::125 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1/sqrt(N)', \
       data every ::126::129 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'GF alpha=1e-3', \
       data every ::130::133 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.01', \
       data every ::134::137 using 'N':'l1_excess_median':'l1_excess_q1':'l1_excess_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=0.1'
  unset multiplot
  set output
}
