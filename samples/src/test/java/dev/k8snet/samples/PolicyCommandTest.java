package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PolicyCommandTest {
  static final String CLUSTER =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: x}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: y}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a, namespace: x, labels: {pod: a}}
      spec: {nodeName: n1, containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
      status: {phase: Running, podIP: 10.0.1.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b, namespace: x, labels: {pod: b}}
      spec: {nodeName: n1, containers: [{name: c}]}
      status: {phase: Running, podIP: 10.0.1.2}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a, namespace: y, labels: {pod: a}}
      spec: {nodeName: n1, containers: [{name: c}]}
      status: {phase: Running, podIP: 10.0.2.1}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: allow-b, namespace: x}
      spec:
        podSelector: {matchLabels: {pod: a}}
        ingress:
        - from: [{podSelector: {matchLabels: {pod: b}}}]
          ports: [{port: http}]
      """;

  @TempDir Path dir;
  Path manifests;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void writeManifests() throws IOException {
    manifests = dir.resolve("cluster.yaml");
    Files.writeString(manifests, CLUSTER);
  }

  int run(String... args) {
    CommandLine cli = K8snetCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  Path probes(String json) throws IOException {
    Path p = dir.resolve("probes.json");
    Files.writeString(p, json);
    return p;
  }

  @Test
  void checkPrintsOneResultPerProbeInOrderWithExplanations() throws IOException {
    Path p =
        probes(
            """
            [{"from": "x/b", "to": "x/a", "port": 80, "protocol": "TCP"},
             {"from": "y/a", "to": "x/a", "port": 80, "protocol": "TCP"},
             {"from": "10.0.1.1", "to": "8.8.8.8", "port": 53, "protocol": "UDP"}]
            """);
    int code =
        run("policy", "check", "--manifests", manifests.toString(), "--probes", p.toString());
    assertEquals(0, code, err.toString());
    JsonNode result = new ObjectMapper().readTree(out.toString());
    assertEquals(3, result.size());

    JsonNode first = result.get(0);
    assertEquals("x/b", first.get("from").asText());
    assertEquals("x/a", first.get("to").asText());
    assertEquals(80, first.get("port").asInt());
    assertEquals("TCP", first.get("protocol").asText());
    assertTrue(first.get("allowed").asBoolean());
    JsonNode in = first.get("explanation").get("ingress");
    assertEquals("NetworkPolicy", in.get("tier").asText());
    assertEquals("allow-b", in.get("policy").get("name").asText());
    assertEquals("x", in.get("policy").get("namespace").asText());
    assertEquals(0, in.get("rule").asInt());
    assertEquals("Default", first.get("explanation").get("egress").get("tier").asText());

    JsonNode second = result.get(1);
    assertFalse(second.get("allowed").asBoolean());
    JsonNode denied = second.get("explanation").get("ingress");
    assertTrue(denied.get("policy").isNull());
    assertTrue(denied.get("rule").isNull());
    assertEquals("allow-b", denied.get("isolatedBy").get(0).get("name").asText());
    assertTrue(denied.get("reason").asText().startsWith("denied: isolated by"));

    JsonNode third = result.get(2);
    assertTrue(third.get("allowed").asBoolean());
    assertEquals("None", third.get("explanation").get("ingress").get("tier").asText());
  }

  @Test
  void checkRejectsUnknownPodsWithExitCode2() throws IOException {
    Path p =
        probes("[{\"from\": \"x/b\", \"to\": \"x/nope\", \"port\": 80, \"protocol\": \"TCP\"}]");
    assertEquals(
        2, run("policy", "check", "--manifests", manifests.toString(), "--probes", p.toString()));
    assertTrue(err.toString().contains("probes[0].to: x/nope"), err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void checkRejectsBadPortsProtocolsAndShapes() throws IOException {
    for (String bad :
        new String[] {
          "[{\"from\": \"x/b\", \"to\": \"x/a\", \"port\": 70000, \"protocol\": \"TCP\"}]",
          "[{\"from\": \"x/b\", \"to\": \"x/a\", \"port\": \"http\", \"protocol\": \"TCP\"}]",
          "[{\"from\": \"x/b\", \"to\": \"x/a\", \"port\": 80, \"protocol\": \"ICMP\"}]",
          "[{\"from\": \"not an endpoint\", \"to\": \"x/a\", \"port\": 80}]",
          "{\"from\": \"x/b\"}",
          "not json"
        }) {
      Path p = probes(bad);
      err.getBuffer().setLength(0);
      assertEquals(
          2,
          run("policy", "check", "--manifests", manifests.toString(), "--probes", p.toString()),
          bad);
      assertTrue(err.toString().startsWith("k8snet policy check: "), err.toString());
    }
    assertEquals(
        2,
        run(
            "policy",
            "check",
            "--manifests",
            manifests.toString(),
            "--probes",
            dir.resolve("missing.json").toString()));
  }

  @Test
  void matrixPrintsTheTruthTable() {
    assertEquals(0, run("policy", "matrix", "--manifests", manifests.toString(), "--port", "80"));
    String[] lines = out.toString().split("\\R");
    assertEquals("-\tx/a\tx/b\ty/a", lines[1]);
    assertEquals("x/a\t.\t.\t.", lines[2]);
    assertEquals("x/b\t.\t.\t.", lines[3]);
    assertEquals("y/a\tX\t.\t.", lines[4]);
    assertEquals("8 of 9 allowed", lines[5]);
    out.getBuffer().setLength(0);
    assertEquals(
        0,
        run(
            "policy",
            "matrix",
            "--manifests",
            manifests.toString(),
            "--port",
            "81",
            "--protocol",
            "TCP"));
    assertTrue(out.toString().contains("x/b\tX\t.\t."), out.toString());
    assertEquals(
        2, run("policy", "matrix", "--manifests", manifests.toString(), "--protocol", "tcp"));
  }

  @Test
  void explainNamesTierPolicyAndRule() {
    assertEquals(
        0,
        run(
            "policy",
            "explain",
            "--manifests",
            manifests.toString(),
            "--from",
            "y/a",
            "--to",
            "x/a",
            "--port",
            "80",
            "--protocol",
            "TCP"));
    String text = out.toString();
    assertTrue(text.startsWith("y/a -> x/a:80/TCP: DENIED"), text);
    assertTrue(
        text.contains("ingress [NetworkPolicy] denied: isolated by NetworkPolicy x/allow-b"), text);
    assertTrue(text.contains("egress  [Default] allowed"), text);
    assertEquals(
        2,
        run(
            "policy",
            "explain",
            "--manifests",
            manifests.toString(),
            "--from",
            "y/zz",
            "--to",
            "x/a",
            "--port",
            "80"));
  }

  @Test
  void explainAsJson() throws IOException {
    assertEquals(
        0,
        run(
            "policy",
            "explain",
            "--manifests",
            manifests.toString(),
            "--from",
            "x/b",
            "--to",
            "x/a",
            "--port",
            "80",
            "--output",
            "json"));
    JsonNode v = new ObjectMapper().readTree(out.toString());
    assertTrue(v.get("allowed").asBoolean());
    assertEquals("http (named)/TCP", v.get("explanation").get("ingress").get("ports").asText());
    assertEquals(
        2,
        run(
            "policy",
            "explain",
            "--manifests",
            manifests.toString(),
            "--from",
            "x/b",
            "--to",
            "x/a",
            "--port",
            "80",
            "--output",
            "yaml"));
  }

  @Test
  void lintReportsTraps() throws IOException {
    Files.writeString(
        dir.resolve("more.yaml"),
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: tcp-only, namespace: y}
        spec:
          podSelector: {}
          ingress: [{ports: [{}]}]
        """);
    assertEquals(0, run("policy", "lint", "--manifests", dir.toString()));
    assertTrue(out.toString().contains("[tcp-only-port]"), out.toString());
    assertTrue(out.toString().contains("1 warning"), out.toString());
    assertEquals(1, run("policy", "lint", "--strict", "--manifests", dir.toString()));
  }
}
