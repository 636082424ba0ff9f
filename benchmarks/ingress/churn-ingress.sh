#!/bin/bash
# Prints the Ingress that the ingress benchmarks rewrite to change k8snet's routes under load: step N
# routes host churn-(N mod 7).test, path /cN, to the benchmark backend (bench.yaml).
#   bash churn-ingress.sh N
set -eu
printf 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {namespace: bench, name: churn}\nspec:\n  ingressClassName: k8snet\n  rules:\n  - host: churn-%s.test\n    http:\n      paths:\n      - {path: /c%s, pathType: Prefix, backend: {service: {name: backend, port: {number: 80}}}}\n' \
  $(($1 % 7)) "$1"
