# Time per flow against N (medians over the bench cases; bench/summarize.py --dat).
# usage: gnuplot -e "dat='perf_vs_n.dat'; out='plots/performance/time_vs_n'" bench/plot.gp
if (!exists("dat")) dat = 'perf_vs_n.dat'
if (!exists("out")) out = 'time_vs_n'
set logscale xy
set xlabel 'N (M = N/4)'
set ylabel 'time per flow, median over cases [s] (CPU unless marked wall)'
set key top left
set grid
set datafile missing 'nan'
plot_it = "plot dat u 1:2 w lp lw 2 pt 7 t 'wnflow auto (integration, one core)', \
  dat u 1:8 w lp lw 2 pt 6 dt 3 t 'wnflow auto, products with A on every core (wall)', \
  dat u 1:4 w lp lw 2 pt 5 t 'wnflow run (whole process)', \
  dat u 1:5 w lp lw 2 pt 9 t 'CVODE BDF, same Jacobian (solve)', \
  dat u 1:6 w lp lw 2 pt 11 t 'SciPy LSODA (solve)', \
  dat u 1:7 w lp lw 2 pt 13 dt 2 t 'SciPy LSODA (whole process)'"
set terminal pngcairo size 900,600 font ',11'
set output out.'.png'
eval plot_it
set terminal svg size 900,600 font 'sans,11'
set output out.'.svg'
eval plot_it
