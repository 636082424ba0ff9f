# Plots benchmarks/proxy-curve.dat (services, upstream cold s, ours cold s, upstream change ms,
# ours change ms) from ServiceProxyBench; run from the repository root: gnuplot benchmarks/proxy-curve.gp
set terminal pngcairo size 1000,420 font ",10"
set output "benchmarks/proxy-curve.png"
set multiplot layout 1,2
set key top left
set grid
set xlabel "services (5 endpoints each)"
set ylabel "cold load (s)"
set title "Cold load: upstream shape (nft -f) vs k8snet"
plot "benchmarks/proxy-curve.dat" using 1:2 with linespoints title "upstream kube-proxy shape", \
     "" using 1:3 with linespoints title "k8snet NftablesProxy"
set ylabel "one service change (ms, median)"
set title "One-service change"
plot "benchmarks/proxy-curve.dat" using 1:4 with linespoints title "upstream kube-proxy shape", \
     "" using 1:5 with linespoints title "k8snet (update + sync)"
unset multiplot
