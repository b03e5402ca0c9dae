# e1_relative_error: Relative error of the limit vs initialization scale
# Drawn by wnflow from e1_relative_error.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e1_relative_error.gp` in this directory;
# it rewrites e1_relative_error.png and e1_relative_error.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e1_relative_error.csv'
if (!exists('png_out')) png_out = 'e1_relative_error.png'
if (!exists('svg_out')) svg_out = 'e1_relative_error.svg'
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
  set multiplot layout 2,3 title 'Relative error of the limit vs initialization scale'
  set title 'sign=positive depth=2'
  plot data every ::0::10 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::11::21 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       data every ::22::32 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       data every ::33::43 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       data every ::44::54 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=1'
  set title 'sign=positive depth=3'
  plot data every ::55::65 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::66::76 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       data every ::77::87 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       data every ::88::98 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       data every ::99::109 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=1'
  set title 'sign=positive depth=4'
  plot data every ::110::120 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::121::131 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       data every ::132::142 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       data every ::143::153 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       data every ::154::164 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=1'
  set title 'sign=signed depth=2'
  plot data every ::165::175 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::176::186 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       data every ::187::197 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       data every ::198::208 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       data every ::209::219 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=1'
  set title 'sign=signed depth=3'
  plot data every ::220::230 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::231::241 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       data every ::242::252 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       data every ::253::263 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       data every ::264::274 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=1'
  set title 'sign=signed depth=4'
  plot data every ::275::285 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 1 pt 7 ps 0.8 lw 1.5 title 'GF', \
       data every ::286::296 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 2 pt 7 ps 0.8 lw 1.5 title 'WN q=0.05', \
       data every ::297::307 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 3 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2', \
       data every ::308::318 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 4 pt 7 ps 0.8 lw 1.5 title 'WN q=0.2 const-ratio', \
       data every ::319::329 using 'alpha':'relative_error_median':'relative_error_q1':'relative_error_q3' with yerrorlines lc 5 pt 7 ps 0.8 lw 1.5 title 'WN q=1'
  unset multiplot
  set output
}
