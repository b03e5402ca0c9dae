# e3_loss_vs_time: Loss along the flow; dashed: predicted asymptotic rate (T5)
# Drawn by wnflow from e3_loss_vs_time.csv (the data exactly as plotted).
# Restyle: edit this file, then run `gnuplot e3_loss_vs_time.gp` in this directory;
# it rewrites e3_loss_vs_time.png and e3_loss_vs_time.svg.
set datafile separator ','
set datafile columnheaders
set encoding utf8
data = 'e3_loss_vs_time.csv'
if (!exists('png_out')) png_out = 'e3_loss_vs_time.png'
if (!exists('svg_out')) svg_out = 'e3_loss_vs_time.svg'
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
set xlabel 'time t'
set ylabel 'loss'
set logscale x
set format x '1e%L'
set logscale y
set format y '1e%L'
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
do for [pass = 1:2] {
  if (pass == 1) {
    set terminal pngcairo noenhanced size 1120,460 font 'sans-serif,10'
    set output png_out
  } else {
    set terminal svg noenhanced size 1120,460 dynamic font 'sans-serif,10' background rgb 'white'
    set output svg_out
  }
  set multiplot layout 1,2 title 'Loss along the flow; dashed: predicted asymptotic rate (T5)'
  set title 'depth=2'
  # GF 0.01: rate_predicted = 0.00033692888305212606, through (31906.509494728543, 4.954347210864104e-19)
  # GF 0.1: rate_predicted = 0.023028074416813517, through (689.1347662430968, 7.366014701179052e-19)
  # GF 1: rate_predicted = 1.5735509357675614, through (13.096633219297914, 9.117587870509834e-19)
  # GF 10: rate_predicted = 157.6080833740923, through (0.1672547309083905, 3.2048327543530884e-19)
  # WN q=0.05 0.1: rate_predicted = 0.10599763156470762, through (193.37883102024307, 3.431365493408965e-20)
  # WN q=0.05 1: rate_predicted = 0.015955351498044775, through (1256.2861024236213, 7.845623403459969e-19)
  # WN q=0.05 10: rate_predicted = 0.00020017398823664944, through (101437.95834432854, 5.869054213064982e-19)
  plot data every ::0::132 using 'sample_t':'sample_loss' with lines lc 1 lw 1.5 title 'GF 0.01', \
       data every ::133::231 using 'sample_t':'sample_loss' with lines lc 2 lw 1.5 title 'GF 0.1', \
       data every ::232::296 using 'sample_t':'sample_loss' with lines lc 3 lw 1.5 title 'GF 1', \
       data every ::297::323 using 'sample_t':'sample_loss' with lines lc 4 lw 1.5 title 'GF 10', \
       data every ::324::504 using 'sample_t':'sample_loss' with lines lc 5 lw 1.5 title 'WN q=0.05 0.01', \
       data every ::505::592 using 'sample_t':'sample_loss' with lines lc 6 lw 1.5 title 'WN q=0.05 0.1', \
       data every ::593::696 using 'sample_t':'sample_loss' with lines lc 7 lw 1.5 title 'WN q=0.05 1', \
       data every ::697::839 using 'sample_t':'sample_loss' with lines lc 8 lw 1.5 title 'WN q=0.05 10', \
       [t=11404.392797557637:31906.509494728543] 4.954347210864104e-19*exp(-2*0.00033692888305212606*(t-(31906.509494728543))) with lines lc 1 dt 2 lw 1.2 notitle, \
       [t=389.1637328883249:689.1347662430968] 7.366014701179052e-19*exp(-2*0.023028074416813517*(t-(689.1347662430968))) with lines lc 2 dt 2 lw 1.2 notitle, \
       [t=8.706717950611294:13.096633219297914] 9.117587870509834e-19*exp(-2*1.5735509357675614*(t-(13.096633219297914))) with lines lc 3 dt 2 lw 1.2 notitle, \
       [t=0.12342604438990679:0.1672547309083905] 3.2048327543530884e-19*exp(-2*157.6080833740923*(t-(0.1672547309083905))) with lines lc 4 dt 2 lw 1.2 notitle, \
       [t=128.2098722707713:193.37883102024307] 3.431365493408965e-20*exp(-2*0.10599763156470762*(t-(193.37883102024307))) with lines lc 6 dt 2 lw 1.2 notitle, \
       [t=823.3432568944183:1256.2861024236213] 7.845623403459969e-19*exp(-2*0.015955351498044775*(t-(1256.2861024236213))) with lines lc 7 dt 2 lw 1.2 notitle, \
       [t=66929.20253727703:101437.95834432854] 5.869054213064982e-19*exp(-2*0.00020017398823664944*(t-(101437.95834432854))) with lines lc 8 dt 2 lw 1.2 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'slope rate_predicted'
  set title 'depth=3'
  # GF 0.1: rate_predicted = 0.0005246276822797462, through (28255.85245858844, 3.6848120802577127e-19)
  # GF 1: rate_predicted = 3.588674142025595, through (5.7855372060892565, 8.273588265079295e-19)
  # WN q=0.05 0.1: rate_predicted = 0.017179674620910034, through (1060.5008929578387, 1.4354719778421404e-19)
  # WN q=0.05 1: rate_predicted = 0.029351210031962824, through (673.9069866086554, 9.351732186768474e-19)
  # WN q=0.05 10: rate_predicted = 0.000503409321864451, through (40663.995273715096, 3.614611341500607e-19)
  plot data every ::840::1021 using 'sample_t':'sample_loss' with lines lc 1 lw 1.5 title 'GF 0.01', \
       data every ::1022::1153 using 'sample_t':'sample_loss' with lines lc 2 lw 1.5 title 'GF 0.1', \
       data every ::1154::1211 using 'sample_t':'sample_loss' with lines lc 3 lw 1.5 title 'GF 1', \
       data every ::1212::1213 using 'sample_t':'sample_loss' with lines lc 4 lw 1.5 title 'GF 10', \
       data every ::1214::1323 using 'sample_t':'sample_loss' with lines lc 5 lw 1.5 title 'WN q=0.05 0.01', \
       data every ::1324::1426 using 'sample_t':'sample_loss' with lines lc 6 lw 1.5 title 'WN q=0.05 0.1', \
       data every ::1427::1525 using 'sample_t':'sample_loss' with lines lc 7 lw 1.5 title 'WN q=0.05 1', \
       data every ::1526::1660 using 'sample_t':'sample_loss' with lines lc 8 lw 1.5 title 'WN q=0.05 10', \
       [t=15088.885650880555:28255.85245858844] 3.6848120802577127e-19*exp(-2*0.0005246276822797462*(t-(28255.85245858844))) with lines lc 2 dt 2 lw 1.2 notitle, \
       [t=3.860660495192592:5.7855372060892565] 8.273588265079295e-19*exp(-2*3.588674142025595*(t-(5.7855372060892565))) with lines lc 3 dt 2 lw 1.2 notitle, \
       [t=658.4120623245481:1060.5008929578387] 1.4354719778421404e-19*exp(-2*0.017179674620910034*(t-(1060.5008929578387))) with lines lc 6 dt 2 lw 1.2 notitle, \
       [t=438.55875832574156:673.9069866086554] 9.351732186768474e-19*exp(-2*0.029351210031962824*(t-(673.9069866086554))) with lines lc 7 dt 2 lw 1.2 notitle, \
       [t=26942.049773384984:40663.995273715096] 3.614611341500607e-19*exp(-2*0.000503409321864451*(t-(40663.995273715096))) with lines lc 8 dt 2 lw 1.2 notitle, \
       NaN with lines lc rgb '#444444' dt 2 title 'slope rate_predicted'
  unset multiplot
  set output
}
