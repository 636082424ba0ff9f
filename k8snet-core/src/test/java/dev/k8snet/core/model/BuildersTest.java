package dev.k8snet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.manifest.ManifestReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildersTest {
  @Test
  void serviceBuilderAppliesTheSameDefaultsAsManifestReading() {
    Service built =
        Service.builder("shop", "web")
            .clusterIps(IpAddress.parse("10.96.0.10"), IpAddress.parse("fd00::10"))
            .selector(Map.of("app", "web"))
            .port(ServicePort.of("http", Protocol.TCP, 80))
            .build();
    Service read =
        ManifestReader.create()
            .readString(
                "s.yaml",
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  clusterIPs: [10.96.0.10, "fd00::10"]
                  selector: {app: web}
                  ports: [{name: http, port: 80}]
                """)
            .objects(Service.class)
            .get(0);
    assertEquals(read, built);
  }

  @Test
  void podBuilderAgreesWithManifestReading() {
    Pod built =
        Pod.builder("shop", "web-0")
            .labels(Map.of("app", "web"))
            .nodeName("node-1")
            .podIps(IpAddress.parse("10.244.1.5"))
            .containerPort(ContainerPort.named("http", 8080, Protocol.TCP))
            .build();
    Pod read =
        ManifestReader.create()
            .readString(
                "p.yaml",
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web-0, namespace: shop, labels: {app: web}}
                spec:
                  nodeName: node-1
                  containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]
                status:
                  phase: Running
                  podIPs: [{ip: 10.244.1.5}]
                  conditions: [{type: Ready, status: "True"}]
                """)
            .objects(Pod.class)
            .get(0);
    assertEquals(read, built);
  }
}
