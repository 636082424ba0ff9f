#!/usr/bin/env python3
"""Converts gen_cluster_zone.py's cluster.json into Kubernetes manifests (one JSON List) that
`k8snet dns serve --manifests` reads: Namespaces, Services, EndpointSlices and Pods.

Unnamed ports of multi-port Services are dropped (the API server rejects them, and unnamed ports
have no DNS records anyway)."""
import json
import sys


def main(src, dst):
    m = json.load(open(src))
    items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}}
             for n in m["namespaces"]]
    for s in m["services"]:
        meta = {"name": s["name"], "namespace": s["namespace"]}
        ports = [p for p in s["ports"] if p["name"] or len(s["ports"]) == 1]
        spec_ports = []
        for p in ports:
            sp = {"port": p["port"], "protocol": p["protocol"]}
            if p["name"]:
                sp["name"] = p["name"]
            spec_ports.append(sp)
        if s["type"] == "ExternalName":
            spec = {"type": "ExternalName", "externalName": s["externalName"]}
        elif s["type"] == "Headless":
            spec = {"clusterIP": "None", "ports": spec_ports}
        else:
            ips = s["clusterIPs"]
            spec = {"clusterIP": ips[0], "clusterIPs": ips, "ports": spec_ports,
                    "ipFamilies": ["IPv6" if ":" in ip else "IPv4" for ip in ips],
                    "ipFamilyPolicy": "RequireDualStack" if len(ips) > 1 else "SingleStack"}
        items.append({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec})
        if s["type"] == "Headless":
            eps = []
            for e in s["endpoints"]:
                ep = {"addresses": [e["ip"]], "conditions": {"ready": e["ready"]},
                      "targetRef": {"kind": "Pod", "namespace": s["namespace"], "name": e["podName"]}}
                if e.get("hostname"):
                    ep["hostname"] = e["hostname"]
                eps.append(ep)
            items.append({
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"name": s["name"] + "-1", "namespace": s["namespace"],
                             "labels": {"kubernetes.io/service-name": s["name"]}},
                "addressType": "IPv4", "endpoints": eps,
                "ports": [{"name": p["name"], "port": p["port"], "protocol": p["protocol"]}
                          for p in s["ports"] if p["name"]]})
    for p in m["pods"]:
        items.append({"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": p["name"], "namespace": p["namespace"]},
                      "spec": {"containers": [{"name": "c", "image": "x"}]},
                      "status": {"phase": "Running", "podIP": p["ip"], "podIPs": [{"ip": p["ip"]}],
                                 "conditions": [{"type": "Ready", "status": "True"}]}})
    json.dump({"apiVersion": "v1", "kind": "List", "items": items}, open(dst, "w"), indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
