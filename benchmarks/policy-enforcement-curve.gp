# Plots benchmarks/policy-enforcement-curve.dat (policies, rules at 1,000 pods, rules at 10,000 pods,
# pods x policies at 10,000 pods) from PolicyEnforcementBench; run from the repository root:
# gnuplot benchmarks/policy-enforcement-curve.gp
set terminal pngcairo size 800,440 font ",10"
set output "benchmarks/policy-enforcement-curve.png"
set key top left
set grid
set logscale y
set format y "%.0s%c"
set xlabel "NetworkPolicies (100 namespaces, all pods on the node)"
set ylabel "nftables rules"
set title "k8snet policy enforcement: rules vs policies and pods"
plot "benchmarks/policy-enforcement-curve.dat" using 1:2 with linespoints lw 2 title "k8snet, 1,000 pods", \
     "" using 1:3 with linespoints dt 2 lw 2 title "k8snet, 10,000 pods", \
     "" using 1:4 with lines dt 3 title "pods x policies (10,000 pods)"
