package dev.k8snet.cni.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.cni.Calls;
import dev.k8snet.cni.Calls.Outcome;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.testkit.NetnsTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference bridge plugin's port keys ({@code hairpinMode}, {@code portIsolation}, {@code
 * macspoofchk}, {@code vlan}, {@code vlanTrunk}, {@code disableContainerInterface}) with real
 * packets, ours next to the reference {@code /usr/lib/cni/bridge} where it knows the key.
 */
@NetnsTest(tools = {"ip", "ping", "nft", "nsenter", "bridge"})
class BridgeKeysTest {
  @TempDir Path data;
  private final PodNamespaces pods = new PodNamespaces();

  @AfterEach
  void deletePods() {
    pods.close();
  }

  private String conf(String type, String net, String bridge, String subnet, String extra) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\""
        + net
        + "\",\"type\":\""
        + type
        + "\",\"bridge\":\""
        + bridge
        + "\""
        + extra
        + ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
        + data
        + "\",\"subnet\":\""
        + subnet
        + "\"}}";
  }

  /** ADD or DEL with our plugin (in-process) or the reference (executed in {@code host}). */
  private static Outcome call(
      boolean reference,
      NetworkNamespace host,
      String cmd,
      String cid,
      NetworkNamespace pod,
      String conf) {
    Map<String, String> env = Calls.env(cmd, cid, pod.path().toString(), "eth0");
    if (reference) {
      return Calls.exec(
          List.of("nsenter", "--net=" + host.path(), "/usr/lib/cni/bridge"), env, conf);
    }
    return Calls.run(new BridgePlugin(host), env, conf);
  }

  /** Whether any of three echo requests is answered. */
  private static boolean ping(NetworkNamespace from, String ip) {
    return Calls.exec(
                List.of(
                    "nsenter",
                    "--net=" + from.path(),
                    "ping",
                    "-c",
                    "3",
                    "-i",
                    "0.2",
                    "-W",
                    "1",
                    ip),
                Map.of(),
                "")
            .rc()
        == 0;
  }

  private static String podIp(Outcome add) {
    String a = add.json().at("/ips/0/address").asText();
    return a.substring(0, a.indexOf('/'));
  }

  @Test
  void hairpinModeLetsAPodReachItselfThroughAServiceDnatLikeTheReference(
      NetworkNamespace host, Netlink nl) {
    int n = 0;
    for (boolean reference : new boolean[] {false, true}) {
      for (boolean hairpin : new boolean[] {true, false}) {
        n++;
        NetworkNamespace pod = pods.create();
        String net = "hp" + n;
        String c =
            conf(
                reference ? "bridge" : "k8snet-bridge",
                net,
                "hpb" + n,
                "10.91." + n + ".0/24",
                ",\"isDefaultGateway\":true,\"hairpinMode\":" + hairpin);
        Outcome add = call(reference, host, "ADD", "ctr-" + n, pod, c).ok();
        String ip = podIp(add);
        String service = "10.96.0." + (10 + n);
        // A service-like DNAT to the pod itself (kube-proxy's hairpin case): with bridge netfilter
        // the DNAT happens while bridging, so the frame must leave by the port it came in on.
        try (Nftables nft = host.nftables()) {
          nft.apply(
              "table ip k8snet-cnifix-"
                  + n
                  + " {\n"
                  + "  chain pre { type nat hook prerouting priority dstnat; ip daddr "
                  + service
                  + " dnat to "
                  + ip
                  + "; }\n"
                  + "  chain post { type nat hook postrouting priority srcnat; ip saddr "
                  + ip
                  + " ip daddr "
                  + ip
                  + " masquerade; }\n}\n");
        }
        String who = (reference ? "reference" : "ours") + " hairpinMode=" + hairpin;
        assertEquals(hairpin, ping(pod, service), who + ": the pod reaches itself via " + service);
        assertTrue(ping(pod, add.json().at("/ips/0/gateway").asText()), who + ": gateway");
        call(reference, host, "DEL", "ctr-" + n, pod, c).ok();
      }
    }
    assertTrue(nl.links().stream().map(Link::name).noneMatch(x -> x.startsWith("veth")));
  }

  @Test
  void portIsolationKeepsPodsApartButNotFromTheGateway(NetworkNamespace host) throws IOException {
    for (boolean isolated : new boolean[] {true, false}) {
      String br = isolated ? "isob1" : "isob2";
      String c =
          conf(
              "k8snet-bridge",
              br,
              br,
              isolated ? "10.92.1.0/24" : "10.92.2.0/24",
              ",\"isGateway\":true,\"portIsolation\":" + isolated);
      NetworkNamespace a = pods.create();
      NetworkNamespace b = pods.create();
      Outcome ra = call(false, host, "ADD", br + "a", a, c).ok();
      Outcome rb = call(false, host, "ADD", br + "b", b, c).ok();
      assertEquals(!isolated, ping(a, podIp(rb)), "isolated=" + isolated + ": pod to pod");
      assertTrue(ping(a, ra.json().at("/ips/0/gateway").asText()), "pod to gateway");
      String port = ra.json().at("/interfaces/1/name").asText();
      String links =
          Calls.exec(
                  List.of("nsenter", "--net=" + host.path(), "bridge", "-d", "-j", "link", "show"),
                  Map.of(),
                  "")
              .ok()
              .stdout();
      JsonNode info = null;
      for (JsonNode l : Calls.JSON.readTree(links)) {
        if (l.path("ifname").asText().equals(port)) {
          info = l;
        }
      }
      assertEquals(isolated, info != null && info.path("isolated").asBoolean(), links);
    }
  }

  @Test
  void macspoofchkDropsFramesFromAnotherMacWithTheReferenceRules(NetworkNamespace host)
      throws IOException {
    for (boolean reference : new boolean[] {false, true}) {
      String net = reference ? "spr" : "spo";
      String c =
          conf(
              reference ? "bridge" : "k8snet-bridge",
              net,
              net + "b",
              reference ? "10.93.2.0/24" : "10.93.1.0/24",
              ",\"isGateway\":true,\"macspoofchk\":true");
      NetworkNamespace pod = pods.create();
      Outcome add = call(reference, host, "ADD", "ctr-" + net, pod, c).ok();
      String gw = add.json().at("/ips/0/gateway").asText();
      String who = reference ? "reference" : "ours";
      assertTrue(ping(pod, gw), who + ": own MAC passes");
      String ruleset;
      try (Nftables nft = host.nftables()) {
        ruleset = nft.listJson("table bridge nat");
      }
      assertTrue(ruleset.contains("\"cni-br-iface-ctr-" + net + "-eth0-mac\""), ruleset);
      assertTrue(ruleset.contains("\"macspoofchk-ctr-" + net + "-eth0\""), ruleset);
      if (!reference) {
        String withPrev = c.substring(0, c.length() - 1) + ",\"prevResult\":" + add.json() + "}";
        Calls.run(
                new BridgePlugin(host),
                Calls.env("CHECK", "ctr-" + net, pod.path().toString(), "eth0"),
                withPrev)
            .ok();
        try (Nftables nft = host.nftables()) {
          nft.apply("flush chain bridge nat PREROUTING\n");
        }
        Outcome check =
            Calls.run(
                new BridgePlugin(host),
                Calls.env("CHECK", "ctr-" + net, pod.path().toString(), "eth0"),
                withPrev);
        assertEquals(100, check.code(), check.stdout());
        assertTrue(check.msg().contains("macspoofchk"), check.msg());
        call(false, host, "DEL", "ctr-" + net, pod, c).ok();
        add = call(false, host, "ADD", "ctr-" + net, pod, c).ok();
      }
      Calls.exec(
              List.of(
                  "nsenter",
                  "--net=" + pod.path(),
                  "ip",
                  "link",
                  "set",
                  "dev",
                  "eth0",
                  "address",
                  "02:00:00:00:00:99"),
              Map.of(),
              "")
          .ok();
      Calls.exec(
              List.of("nsenter", "--net=" + host.path(), "ip", "neigh", "flush", "all"),
              Map.of(),
              "")
          .ok();
      assertFalse(ping(pod, gw), who + ": a spoofed MAC is dropped");
      call(reference, host, "DEL", "ctr-" + net, pod, c).ok();
      try (Nftables nft = host.nftables()) {
        ruleset = nft.listJson("table bridge nat");
      }
      assertFalse(ruleset.contains("ctr-" + net), who + ": DEL removes the rules: " + ruleset);
    }
  }

  @Test
  void vlanAndTrunkConfigureThePortOrFailCleanlyLikeTheReference(NetworkNamespace host, Netlink nl)
      throws IOException {
    boolean kernelFilters = vlanFilteringSupported(nl);
    for (boolean reference : new boolean[] {false, true}) {
      String net = reference ? "vlr" : "vlo";
      String c =
          conf(
              reference ? "bridge" : "k8snet-bridge",
              net,
              net + "b",
              reference ? "10.94.2.0/24" : "10.94.1.0/24",
              ",\"vlan\":100");
      NetworkNamespace pod = pods.create();
      Outcome add = call(reference, host, "ADD", "ctr-" + net, pod, c);
      String who = reference ? "reference" : "ours";
      if (!kernelFilters) {
        assertEquals(1, add.rc(), who + ": " + add.stdout());
        if (!reference) {
          assertEquals(2, add.code(), add.stdout());
          assertTrue(add.json().get("details").asText().contains("vlan: 100"), add.stdout());
          // Rolled back: no bridge, no veth, no reservation.
          assertTrue(nl.link(net + "b").isEmpty(), "bridge removed");
          assertTrue(
              nl.links().stream().map(Link::name).noneMatch(x -> x.startsWith("veth")),
              "veth removed");
          if (Files.isDirectory(data.resolve(net))) {
            try (Stream<Path> s = Files.list(data.resolve(net))) {
              assertTrue(
                  s.map(p -> p.getFileName().toString()).noneMatch(x -> x.startsWith("10.")),
                  "address released");
            }
          }
        }
        call(reference, host, "DEL", "ctr-" + net, pod, c).ok();
        continue;
      }
      add.ok();
      String port = add.json().at("/interfaces/1/name").asText();
      String vlans =
          Calls.exec(
                  List.of("nsenter", "--net=" + host.path(), "bridge", "-j", "vlan", "show"),
                  Map.of(),
                  "")
              .ok()
              .stdout();
      JsonNode mine = null;
      for (JsonNode l : Calls.JSON.readTree(vlans)) {
        if (l.path("ifname").asText().equals(port)) {
          mine = l.path("vlans");
        }
      }
      assertEquals(1, mine.size(), who + ": " + vlans);
      assertEquals(100, mine.get(0).path("vlan").asInt(), who + ": " + vlans);
      call(reference, host, "DEL", "ctr-" + net, pod, c).ok();
    }
  }

  private static boolean vlanFilteringSupported(Netlink nl) {
    nl.addLink(
        dev.k8snet.core.netlink.LinkSpec.of("vfprobe", dev.k8snet.core.netlink.LinkKind.bridge()));
    Link br = nl.link("vfprobe").orElseThrow();
    try {
      nl.setVlanFiltering(br, true);
      return true;
    } catch (dev.k8snet.core.netlink.NetlinkException e) {
      return false;
    } finally {
      nl.deleteLink(br);
    }
  }

  @Test
  void dnsOfTheConfigurationIsReturnedAsTheReferenceDoesSinceV12(NetworkNamespace host) {
    NetworkNamespace pod = pods.create();
    String c =
        conf(
            "k8snet-bridge",
            "dns",
            "dnsb",
            "10.95.1.0/24",
            ",\"dns\":{\"nameservers\":[\"10.96.0.10\"],\"search\":[\"svc.cluster.local\"]}");
    Outcome add = call(false, host, "ADD", "ctr-dns", pod, c).ok();
    assertEquals("10.96.0.10", add.json().at("/dns/nameservers/0").asText(), add.stdout());
    assertEquals("svc.cluster.local", add.json().at("/dns/search/0").asText());
    call(false, host, "DEL", "ctr-dns", pod, c).ok();
  }

  @Test
  void disableContainerInterfaceKeepsItDownAndRefusesIpam(NetworkNamespace host) {
    NetworkNamespace pod = pods.create();
    String l2 =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"l2\",\"type\":\"k8snet-bridge\",\"bridge\":\"l2b\","
            + "\"disableContainerInterface\":true,\"ipam\":{}}";
    call(false, host, "ADD", "ctr-l2", pod, l2).ok();
    try (Netlink pnl = pod.netlink()) {
      assertFalse(pnl.link("eth0").orElseThrow().up(), "eth0 stays down");
    }
    call(false, host, "DEL", "ctr-l2", pod, l2).ok();
    Outcome bad =
        call(
            false,
            host,
            "ADD",
            "ctr-l3",
            pod,
            conf(
                "k8snet-bridge",
                "l3",
                "l3b",
                "10.95.0.0/24",
                ",\"disableContainerInterface\":true"));
    assertEquals(7, bad.code(), bad.stdout());
    assertEquals("cannot use IPAM when DisableContainerInterface flag is set", bad.msg());
  }
}
