package dev.k8snet.cni.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.Calls;
import dev.k8snet.cni.Calls.Outcome;
import dev.k8snet.cni.plugins.IpamPlugin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpamPluginTest {
  /** The plugin under test: a process per call's state. */
  IpamPlugin plugin() {
    return new IpamPlugin();
  }

  @TempDir Path data;

  private String conf(String version, String ipam) {
    return "{\"cniVersion\":\""
        + version
        + "\",\"name\":\"t1\",\"type\":\"k8snet-ipam\",\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
        + data
        + "\","
        + ipam
        + "}}";
  }

  private String conf(String ipam) {
    return conf("1.0.0", ipam);
  }

  private static final String SUBNET = "\"subnet\":\"10.9.0.0/24\"";

  private Outcome call(String cmd, String cid, String conf) {
    return Calls.run(plugin(), Calls.env(cmd, cid, "/run/netns/x", "eth0"), conf);
  }

  private Outcome call(String cmd, String cid, String conf, String args) {
    Map<String, String> env = Calls.env(cmd, cid, "/run/netns/x", "eth0");
    env.put("CNI_ARGS", args);
    return Calls.run(plugin(), env, conf);
  }

  private String file(String name) throws IOException {
    return Files.readString(data.resolve("t1").resolve(name), StandardCharsets.UTF_8);
  }

  private Set<String> files() throws IOException {
    try (Stream<Path> s = Files.list(data.resolve("t1"))) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void allocatesTheSecondAddressInHostLocalsFormat() throws IOException {
    Outcome o = call("ADD", "ctr-a", conf(SUBNET)).ok();
    assertEquals(
        "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\"}],\"dns\":{}}",
        o.stdout());
    assertEquals("ctr-a\r\neth0", file("10.9.0.2"));
    assertEquals("10.9.0.2", file("last_reserved_ip.0"));
    assertEquals(Set.of("10.9.0.2", "last_reserved_ip.0", "lock"), files());
  }

  @Test
  void roundRobinSkipsAReleasedAddress() throws IOException {
    call("ADD", "ctr-a", conf(SUBNET)).ok();
    call("ADD", "ctr-b", conf(SUBNET)).ok();
    call("DEL", "ctr-a", conf(SUBNET)).ok();
    Outcome c = call("ADD", "ctr-c", conf(SUBNET)).ok();
    assertEquals("10.9.0.4/24", c.json().at("/ips/0/address").asText());
    assertEquals("10.9.0.4", file("last_reserved_ip.0"));
    assertFalse(files().contains("10.9.0.2"));
  }

  @Test
  void delIsIdempotentAndForUnknownContainersToo() {
    call("ADD", "ctr-a", conf(SUBNET)).ok();
    assertEquals("", call("DEL", "ctr-a", conf(SUBNET)).ok().stdout());
    call("DEL", "ctr-a", conf(SUBNET)).ok();
    call("DEL", "never", conf(SUBNET)).ok();
  }

  @Test
  void secondAddForTheSameAttachmentIsRefused() throws IOException {
    call("ADD", "ctr-a", conf(SUBNET)).ok();
    Outcome o = call("ADD", "ctr-a", conf(SUBNET));
    assertEquals(100, o.code());
    assertEquals(
        "10.9.0.2 has been allocated to ctr-a, duplicate allocation is not allowed", o.msg());
    assertEquals(Set.of("10.9.0.2", "last_reserved_ip.0", "lock"), files());
  }

  @Test
  void exhaustionIsTryAgainLaterNamingTheRangeSet() {
    String c = conf("\"subnet\":\"10.9.0.0/30\"");
    assertEquals("10.9.0.2/30", call("ADD", "a", c).ok().json().at("/ips/0/address").asText());
    Outcome o = call("ADD", "b", c);
    assertEquals(11, o.code());
    assertEquals(
        "failed to allocate for range 0: no IP addresses available in range set: 10.9.0.1-10.9.0.2",
        o.msg());
  }

  @Test
  void failedDualStackAddLeavesNothingAndKeepsTheCursor() throws IOException {
    String c = conf("\"ranges\":[[{\"subnet\":\"10.9.0.0/24\"}],[{\"subnet\":\"fd00:9::/126\"}]]");
    Outcome a = call("ADD", "a", c).ok();
    assertEquals("fd00:9::2/126", a.json().at("/ips/1/address").asText());
    call("ADD", "b", c).ok();
    Outcome d = call("ADD", "d", c);
    assertEquals(11, d.code());
    assertEquals(
        "failed to allocate for range 1: no IP addresses available in range set: fd00:9::1-fd00:9::3",
        d.msg());
    assertFalse(files().contains("10.9.0.4"), "v4 reservation rolled back");
    assertEquals("10.9.0.3", file("last_reserved_ip.0"), "cursor not advanced by the failed ADD");
    call("DEL", "b", c).ok();
    Outcome e = call("ADD", "e", c).ok();
    assertEquals("10.9.0.4/24", e.json().at("/ips/0/address").asText());
    assertEquals("fd00:9::3/126", e.json().at("/ips/1/address").asText());
  }

  @Test
  void multiSubnetRangeSetWalksSubnetsInOrderAndSkipsGateway() {
    String c =
        conf(
            "\"ranges\":[[{\"subnet\":\"10.9.0.0/24\",\"rangeStart\":\"10.9.0.10\",\"rangeEnd\":\"10.9.0.11\"},{\"subnet\":\"10.9.1.0/30\"}]]");
    assertEquals("10.9.0.10/24", call("ADD", "a", c).ok().json().at("/ips/0/address").asText());
    assertEquals("10.9.0.11/24", call("ADD", "b", c).ok().json().at("/ips/0/address").asText());
    Outcome third = call("ADD", "c", c).ok();
    assertEquals("10.9.1.2/30", third.json().at("/ips/0/address").asText());
    assertEquals("10.9.1.1", third.json().at("/ips/0/gateway").asText());
    Outcome none = call("ADD", "d", c);
    assertEquals(
        "failed to allocate for range 0: no IP addresses available in range set: 10.9.0.10-10.9.0.11,10.9.1.1-10.9.1.2",
        none.msg());
  }

  @Test
  void requestedAddressesThroughArgs() {
    assertEquals(
        "10.9.0.50/24",
        call("ADD", "a", conf(SUBNET), "IP=10.9.0.50").ok().json().at("/ips/0/address").asText());
    Outcome taken = call("ADD", "b", conf(SUBNET), "IP=10.9.0.50");
    assertEquals(11, taken.code());
    assertTrue(
        taken.msg().startsWith("requested IP address 10.9.0.50 is not available"), taken.msg());
    Outcome gw = call("ADD", "c", conf(SUBNET), "IP=10.9.0.1");
    assertEquals(7, gw.code());
    assertEquals("requested ip 10.9.0.1 is subnet's gateway", gw.msg());
    Outcome outside = call("ADD", "d", conf(SUBNET), "IP=10.10.0.5");
    assertEquals("failed to allocate all requested IPs: 10.10.0.5", outside.msg());
    Outcome unknown = call("ADD", "e", conf(SUBNET), "FOO=bar");
    assertEquals(4, unknown.code());
    assertEquals("ARGS: unknown args [\"FOO=bar\"]", unknown.msg());
    call("ADD", "f", conf(SUBNET), "IgnoreUnknown=1;FOO=bar;K8S_POD_NAME=x").ok();
  }

  @Test
  void runtimeIpRangesArePrependedAsRangeSets() throws IOException {
    String c =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"t1\",\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
            + data
            + "\","
            + SUBNET
            + "},"
            + "\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"10.20.0.0/24\"}]]}}";
    Outcome o = call("ADD", "a", c).ok();
    assertEquals("10.20.0.2/24", o.json().at("/ips/0/address").asText());
    assertEquals("10.9.0.2/24", o.json().at("/ips/1/address").asText());
    assertEquals("10.9.0.2", file("last_reserved_ip.1"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "too small|\"subnet\":\"10.9.0.0/31\"|Network 10.9.0.0/31 too small to allocate from",
        "host bits|\"subnet\":\"10.9.0.1/24\"|Network has host bits set. For a subnet mask of length 24 the network address is 10.9.0.0",
        "start outside|\"subnet\":\"10.9.0.0/24\",\"rangeStart\":\"10.8.0.5\"|RangeStart 10.8.0.5 not in network 10.9.0.0/24",
        "garbage|\"subnet\":\"banana\"|invalid CIDR address: banana",
        "no ranges|\"routes\":[]|no IP ranges specified",
        "overlapping sets|\"ranges\":[[{\"subnet\":\"10.9.0.0/24\"}],[{\"subnet\":\"10.9.0.0/25\"}]]|range set 0 overlaps with 1",
        "mixed set|\"ranges\":[[{\"subnet\":\"10.9.0.0/24\"},{\"subnet\":\"fd00::/64\"}]]|invalid range set 0: mixed address families",
      })
  void invalidRangesAreMisconfigurationNamingTheProblem(String what, String ipam, String msg) {
    Outcome o = call("ADD", "a", conf(ipam));
    assertEquals(7, o.code(), o.stdout());
    assertEquals(msg, o.msg());
  }

  @Test
  void missingIpamSectionIsNamed() {
    Outcome o = call("ADD", "a", "{\"cniVersion\":\"1.0.0\",\"name\":\"t1\"}");
    assertEquals(7, o.code());
    assertEquals("IPAM config missing 'ipam' key", o.msg());
  }

  @Test
  void legacyVersionsGetLegacyResults() {
    assertEquals(
        "{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\"},\"dns\":{}}",
        call("ADD", "a", conf("0.2.0", SUBNET)).ok().stdout());
    assertEquals(
        "{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.9.0.3/24\",\"gateway\":\"10.9.0.1\"}],\"dns\":{}}",
        call("ADD", "b", conf("0.4.0", SUBNET)).ok().stdout());
  }

  @Test
  void checkFindsTheReservation() {
    call("ADD", "a", conf(SUBNET)).ok();
    call("CHECK", "a", conf(SUBNET)).ok();
    Outcome o = call("CHECK", "b", conf(SUBNET));
    assertEquals(100, o.code());
    assertEquals("k8snet-ipam: failed to find address added by container b", o.msg());
  }

  @Test
  void gcReleasesEverythingNotValidAndKeepsBookkeeping() throws IOException {
    String c = conf("1.1.0", SUBNET);
    call("ADD", "a", c).ok();
    call("ADD", "b", c).ok();
    call("ADD", "c", c).ok();
    String gc =
        c.replace(
            "\"name\":\"t1\"",
            "\"name\":\"t1\",\"cni.dev/valid-attachments\":[{\"containerID\":\"b\",\"ifname\":\"eth0\"}]");
    Calls.run(plugin(), Calls.env("GC", null, null, null), gc).ok();
    assertEquals(Set.of("10.9.0.3", "last_reserved_ip.0", "lock"), files());
    String none = c.replace("\"name\":\"t1\"", "\"name\":\"t1\",\"cni.dev/valid-attachments\":[]");
    Calls.run(plugin(), Calls.env("GC", null, null, null), none).ok();
    assertEquals(Set.of("last_reserved_ip.0", "lock"), files());
  }

  @Test
  void statusReportsAnExhaustedPoolAsNotAvailable() {
    String c = conf("1.1.0", "\"subnet\":\"10.9.0.0/30\"");
    Calls.run(plugin(), Calls.env("STATUS", null, null, null), c).ok();
    call("ADD", "a", c).ok();
    Outcome o = Calls.run(plugin(), Calls.env("STATUS", null, null, null), c);
    assertEquals(50, o.code());
  }

  @Test
  void twoNetworksWithOverlappingSubnetsAreRefused() {
    call("ADD", "a", conf(SUBNET)).ok();
    Outcome o = call("ADD", "b", conf(SUBNET).replace("\"name\":\"t1\"", "\"name\":\"t2\""));
    assertEquals(7, o.code());
    assertEquals(
        "subnet 10.9.0.0/24 overlaps subnet 10.9.0.0/24 of network \"t1\" in the same dataDir",
        o.msg());
    call("DEL", "a", conf(SUBNET)).ok();
    call("ADD", "b", conf(SUBNET).replace("\"name\":\"t1\"", "\"name\":\"t2\"")).ok();
  }

  @Test
  void reservationsWrittenByOthersAreSeenAndReleased() throws IOException {
    call("ADD", "a", conf(SUBNET)).ok();
    Path dir = data.resolve("t1");
    Files.writeString(dir.resolve("10.9.0.77"), "foreign\r\neth0");
    Files.writeString(dir.resolve("10.9.0.78"), "legacy");
    Outcome dup = call("ADD", "foreign", conf(SUBNET));
    assertEquals(100, dup.code(), "an address written by another program counts");
    call("DEL", "foreign", conf(SUBNET)).ok();
    call("DEL", "legacy", conf(SUBNET)).ok();
    assertEquals(Set.of("10.9.0.2", "last_reserved_ip.0", "lock"), files());
  }

  @Test
  void exhaustedRangeReclaimsReservationsOfVanishedSandboxes() throws IOException {
    String c = conf("\"subnet\":\"10.9.0.0/30\"");
    Path sandbox = Files.createFile(data.resolve("netns-a"));
    Map<String, String> env = Calls.env("ADD", "a", sandbox.toString(), "eth0");
    Calls.run(plugin(), env, c).ok();
    Outcome full = call("ADD", "b", c);
    assertEquals(11, full.code(), "the sandbox of a still exists");
    Files.delete(sandbox);
    Outcome b = call("ADD", "b", c).ok();
    assertEquals("10.9.0.2/30", b.json().at("/ips/0/address").asText());
    assertEquals("b\r\neth0", file("10.9.0.2"));
  }

  @Test
  void reservationsFromAnEarlierBootAreReclaimedWhenTheRangeIsFull() throws IOException {
    String c = conf("\"subnet\":\"10.9.0.0/30\"");
    call("ADD", "a", c).ok();
    Path owner;
    try (Stream<Path> s = Files.list(data.resolve(".k8snet/t1/owners"))) {
      owner = s.findFirst().orElseThrow();
    }
    String text =
        Files.readString(owner)
            .replaceAll("#boot=.*", "#boot=00000000-0000-0000-0000-000000000000");
    Files.writeString(owner, text);
    assertEquals("10.9.0.2/30", call("ADD", "b", c).ok().json().at("/ips/0/address").asText());
  }
}
