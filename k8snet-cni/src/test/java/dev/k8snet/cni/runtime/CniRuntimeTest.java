package dev.k8snet.cni.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.Attachment;
import dev.k8snet.cni.Calls;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.CniVersion;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.NetnsTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The libcni equivalent running chains of real plugin executables inside a test namespace. */
@NetnsTest(tools = {"nsenter", "nft"})
class CniRuntimeTest {
  @TempDir Path bin;
  @TempDir Path cache;
  @TempDir Path data;

  /** CNI_PATH whose plugins run inside {@code host}: ours and the reference ones. */
  private void wrappers(NetworkNamespace host) throws IOException {
    for (String ref : List.of("bridge", "host-local", "portmap", "loopback")) {
      write(bin.resolve(ref), "exec nsenter --net=" + host.path() + " /usr/lib/cni/" + ref);
    }
    for (String ours : List.of("k8snet-bridge", "k8snet-ipam", "k8snet-portmap")) {
      StringBuilder s = new StringBuilder("exec nsenter --net=" + host.path());
      for (String c : Calls.ours(ours)) {
        s.append(" '").append(c).append('\'');
      }
      write(bin.resolve(ours), s.toString());
    }
  }

  private static void write(Path exe, String line) throws IOException {
    Files.writeString(exe, "#!/bin/sh\n" + line + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void parsesListsAndPicksTheHighestKnownVersion() {
    NetworkConfigList l =
        NetworkConfigList.parse(
            "{\"cniVersion\":\"1.0.0\",\"cniVersions\":[\"0.4.0\",\"1.1.0\",\"9.0.0\"],\"name\":\"n\",\"disableGC\":\"true\",\"plugins\":[{\"type\":\"a\"},{\"type\":\"b\",\"x\":1}]}");
    assertEquals(CniVersion.V1_1_0, l.cniVersion());
    assertTrue(l.disableGc());
    assertEquals(2, l.plugins().size());
    NetworkConfigList single =
        NetworkConfigList.parse("{\"cniVersion\":\"0.3.1\",\"name\":\"n\",\"type\":\"bridge\"}");
    assertEquals(1, single.plugins().size());
    CniException e =
        assertThrows(
            CniException.class,
            () ->
                NetworkConfigList.parse(
                    "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"a/b\"}]}"));
    assertEquals(7, e.code());
    assertEquals("plugins[0].type: \"a/b\" (expected: an executable name)", e.details());
    assertEquals(
        1,
        assertThrows(
                CniException.class,
                () ->
                    NetworkConfigList.parse(
                        "{\"cniVersion\":\"9.9.9\",\"name\":\"n\",\"type\":\"a\"}"))
            .code());
  }

  @Test
  void ourChainAddCheckThenGcSynthesisesDel(NetworkNamespace host, Netlink nl) throws IOException {
    wrappers(host);
    NetworkNamespace pod =
        NetworkNamespace.create("k8snet-rt-" + Long.toHexString(System.nanoTime()));
    try {
      NetworkConfigList list =
          NetworkConfigList.parse(
              "{\"cniVersion\":\"1.1.0\",\"name\":\"rt\",\"plugins\":["
                  + "{\"type\":\"k8snet-bridge\",\"bridge\":\"rt0\",\"isGateway\":true,\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
                  + data
                  + "\",\"subnet\":\"10.33.0.0/24\"}},"
                  + "{\"type\":\"k8snet-portmap\",\"capabilities\":{\"portMappings\":true}}]}");
      CniRuntime rt = new CniRuntime(List.of(bin), cache);
      RuntimeConf conf =
          new RuntimeConf(
              "ctr-a",
              pod.path().toString(),
              "eth0",
              Map.of("IgnoreUnknown", "1"),
              Map.of(
                  "portMappings",
                  "[{\"hostPort\":18081,\"containerPort\":80,\"protocol\":\"tcp\"}]"));
      CniResult r = rt.add(list, conf);
      assertEquals("10.33.0.2/24", r.ips().get(0).address().toString());
      Path cached = cache.resolve("results/rt-ctr-a-eth0");
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cached)));
      assertEquals(r.ips(), rt.cachedResult("rt", "ctr-a", "eth0").orElseThrow().ips());
      rt.check(list, conf);
      rt.status(list);
      assertEquals(List.of(new Attachment("ctr-a", "eth0")), rt.gc(list, List.of()));
      assertFalse(Files.exists(cached));
      assertFalse(Files.exists(data.resolve("rt/10.33.0.2")));
      assertTrue(nl.links().stream().map(Link::name).noneMatch(n -> n.startsWith("veth")));
    } finally {
      pod.delete();
    }
  }

  @Test
  void referenceChainAddDel(NetworkNamespace host, Netlink nl) throws IOException {
    wrappers(host);
    NetworkNamespace pod =
        NetworkNamespace.create("k8snet-rt-" + Long.toHexString(System.nanoTime()));
    try {
      NetworkConfigList list =
          NetworkConfigList.parse(
              "{\"cniVersion\":\"1.0.0\",\"name\":\"ref\",\"plugins\":["
                  + "{\"type\":\"bridge\",\"bridge\":\"rr0\",\"isGateway\":true,\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
                  + data
                  + "\",\"subnet\":\"10.34.0.0/24\"}},"
                  + "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}]}");
      CniRuntime rt = new CniRuntime(List.of(bin), cache);
      RuntimeConf conf = RuntimeConf.of("ctr-b", pod.path().toString(), "eth0");
      CniResult r = rt.add(list, conf);
      assertEquals("10.34.0.2/24", r.ips().get(0).address().toString());
      assertEquals(2, r.ips().get(0).interfaceIndex().getAsInt());
      rt.check(list, conf);
      rt.del(list, conf);
      rt.del(list, conf);
      assertFalse(Files.exists(data.resolve("ref/10.34.0.2")));
    } finally {
      pod.delete();
    }
  }
}
