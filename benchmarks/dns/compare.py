#!/usr/bin/env python3
"""Sends the first N queries of a dnsperf query file to two servers with kdig and compares the
rcode and the answer section (names lowercased, TTLs ignored). Usage:
compare.py QUERYFILE N IP1 PORT1 IP2 PORT2"""
import subprocess
import sys


def ask(ip, port, batch):
    args = ["kdig", "@" + ip, "-p", port, "+retry=0", "+time=2", "+norec"]
    for name, qtype in batch:
        args += [name, qtype]
    out = subprocess.run(args, capture_output=True, text=True, timeout=120).stdout
    answers = []
    for block in out.split(";; ->>HEADER<<-")[1:]:
        status = block.split("status: ")[1].split(";")[0]
        rrs, section = [], None
        for line in block.splitlines():
            if line.startswith(";; ") and line.rstrip().endswith("SECTION:"):
                section = line
                continue
            if section and "ANSWER" in section and line and not line.startswith(";"):
                f = line.split()
                rrs.append(" ".join([f[0].lower(), f[3]] + f[4:]).lower())
            elif not line.strip():
                section = None
        answers.append((status, sorted(rrs)))
    return answers


def main():
    qf, n, ip1, p1, ip2, p2 = sys.argv[1:7]
    queries = [l.split() for l in open(qf).read().splitlines()[: int(n)]]
    diffs = 0
    for i in range(0, len(queries), 100):
        batch = queries[i:i + 100]
        a, b = ask(ip1, p1, batch), ask(ip2, p2, batch)
        if len(a) != len(batch) or len(b) != len(batch):
            print("incomplete batch at", i, len(a), len(b))
            diffs += 1
            continue
        for q, x, y in zip(batch, a, b):
            if x != y:
                diffs += 1
                if diffs <= 10:
                    print("DIFF", q, "\n  1:", x, "\n  2:", y)
    print("compared %d queries, %d differences" % (len(queries), diffs))
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
