package dev.k8snet.cni.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.Calls;
import dev.k8snet.cni.Calls.Outcome;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.NetnsTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference plugins with ours: reference bridge delegating to k8snet-ipam, and loopback. */
@NetnsTest(tools = {"ip", "nsenter"})
class InteropTest {
  @TempDir Path data;
  @TempDir Path bin;
  private final PodNamespaces pods = new PodNamespaces();

  @AfterEach
  void deletePods() {
    pods.close();
  }

  /** CNI_PATH with the reference plugins and a launcher of our IPAM. */
  private String cniPath() throws IOException {
    List<String> cmd = new ArrayList<>(Calls.ours("k8snet-ipam"));
    StringBuilder s = new StringBuilder("#!/bin/sh\nexec");
    for (String c : cmd) {
      s.append(" '").append(c).append('\'');
    }
    s.append('\n');
    Path exe = bin.resolve("k8snet-ipam");
    Files.writeString(exe, s.toString(), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin + ":/usr/lib/cni";
  }

  private static Outcome inHost(
      NetworkNamespace host, String plugin, Map<String, String> env, String conf) {
    return Calls.exec(List.of("nsenter", "--net=" + host.path(), plugin), env, conf);
  }

  @Test
  void referenceBridgeDelegatesToOurIpam(NetworkNamespace host, Netlink nl) throws IOException {
    NetworkNamespace pod = pods.create();
    String path = cniPath();
    String conf =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"t1\",\"type\":\"bridge\",\"bridge\":\"rb0\",\"isGateway\":true,"
            + "\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
            + data
            + "\",\"subnet\":\"10.9.0.0/24\"}}";
    Map<String, String> env = Calls.env("ADD", "ctr-a", pod.path().toString(), "eth0");
    env.put("CNI_PATH", path);
    Outcome add = inHost(host, "/usr/lib/cni/bridge", env, conf).ok();
    assertEquals("10.9.0.2/24", add.json().at("/ips/0/address").asText());
    assertEquals(2, add.json().at("/ips/0/interface").asInt());
    assertEquals("ctr-a\r\neth0", Files.readString(data.resolve("t1/10.9.0.2")));
    // Our IPAM's error code passes through the reference bridge unchanged.
    NetworkNamespace pod2 = pods.create();
    NetworkNamespace pod3 = pods.create();
    String small =
        conf.replace("\"t1\"", "\"t3\"")
            .replace("10.9.0.0/24", "10.10.0.0/30")
            .replace("rb0", "rb3");
    Map<String, String> env2 = Calls.env("ADD", "ctr-b", pod2.path().toString(), "eth0");
    env2.put("CNI_PATH", path);
    inHost(host, "/usr/lib/cni/bridge", env2, small).ok();
    env2.put("CNI_CONTAINERID", "ctr-c");
    env2.put("CNI_NETNS", pod3.path().toString());
    Outcome exhausted = inHost(host, "/usr/lib/cni/bridge", env2, small);
    assertEquals(11, exhausted.code(), exhausted.stdout());
    assertTrue(exhausted.msg().contains("no IP addresses available"), exhausted.msg());
    // DEL through the reference bridge releases in our IPAM, twice.
    env.put("CNI_COMMAND", "DEL");
    inHost(host, "/usr/lib/cni/bridge", env, conf).ok();
    inHost(host, "/usr/lib/cni/bridge", env, conf).ok();
    assertFalse(Files.exists(data.resolve("t1/10.9.0.2")));
    assertTrue(nl.links().stream().map(Link::name).noneMatch(n -> n.equals("eth0")));
  }

  @Test
  void loopbackLikeTheReference(NetworkNamespace host) {
    NetworkNamespace pod = pods.create();
    String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"lo\",\"type\":\"k8snet-loopback\"}";
    Outcome ours =
        Calls.run(new LoopbackPlugin(), Calls.env("ADD", "c", pod.path().toString(), "lo"), conf)
            .ok();
    NetworkNamespace refPod = pods.create();
    Outcome ref =
        inHost(
                host,
                "/usr/lib/cni/loopback",
                Calls.env("ADD", "c", refPod.path().toString(), "lo"),
                conf.replace("k8snet-loopback", "loopback"))
            .ok();
    assertEquals(
        ref.json().toString().replace(refPod.path().toString(), "NS"),
        ours.json().toString().replace(pod.path().toString(), "NS"));
    try (Netlink pnl = pod.netlink()) {
      assertTrue(pnl.link("lo").orElseThrow().up());
    }
    Calls.run(new LoopbackPlugin(), Calls.env("CHECK", "c", pod.path().toString(), "lo"), conf)
        .ok();
    Calls.run(new LoopbackPlugin(), Calls.env("DEL", "c", pod.path().toString(), "lo"), conf).ok();
    try (Netlink pnl = pod.netlink()) {
      assertFalse(pnl.link("lo").orElseThrow().up());
    }
    Calls.run(new LoopbackPlugin(), Calls.env("DEL", "c", "/var/run/netns/k8snet-gone", "lo"), conf)
        .ok();
    Calls.run(new LoopbackPlugin(), Calls.env("DEL", "c", "", "lo"), conf).ok();
  }
}
