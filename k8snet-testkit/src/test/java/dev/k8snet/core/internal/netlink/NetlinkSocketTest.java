package dev.k8snet.core.internal.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.netlink.NetlinkException;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.NetnsTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@NetnsTest
class NetlinkSocketTest {

  private static NetlinkSocket open(NetworkNamespace ns, Duration timeout) {
    return ns.run(
        () -> NetlinkSocket.open(Nl.NETLINK_ROUTE, new int[0], timeout, Rtnl::attributeName));
  }

  private static void ifinfo(NlWriter w) {
    w.u8(0).u8(0).u16(0).u32(0).u32(0).u32(0);
  }

  @Test
  void extendedAckOffsetNamesTheOffendingAttribute(NetworkNamespace ns) {
    try (NetlinkSocket s = open(ns, Duration.ofSeconds(5))) {
      NetlinkException e =
          assertThrows(
              NetlinkException.class,
              () ->
                  s.ack(
                      Rtnl.RTM_NEWLINK,
                      Nl.NLM_F_CREATE | Nl.NLM_F_EXCL,
                      w -> {
                        ifinfo(w);
                        w.attrString(Rtnl.IFLA_IFNAME, "a-name-longer-than-ifnamsiz");
                        int li = w.beginNest(Rtnl.IFLA_LINKINFO);
                        w.attrString(Rtnl.IFLA_INFO_KIND, "bridge");
                        w.endNest(li);
                      },
                      "add link",
                      "long"));
      assertEquals("ERANGE", e.errnoName());
      assertEquals("IFLA_IFNAME", e.attribute().orElseThrow(), e.getMessage());
      assertTrue(e.extAckMessage().isPresent(), e.getMessage());
    }
  }

  @Test
  void dumpCollectsEveryPartUntilDone(NetworkNamespace ns) {
    try (NetlinkSocket s = open(ns, Duration.ofSeconds(5))) {
      for (int i = 0; i < 40; i++) {
        String name = "br" + i;
        s.ack(
            Rtnl.RTM_NEWLINK,
            Nl.NLM_F_CREATE | Nl.NLM_F_EXCL,
            w -> {
              ifinfo(w);
              w.attrString(Rtnl.IFLA_IFNAME, name);
              int li = w.beginNest(Rtnl.IFLA_LINKINFO);
              w.attrString(Rtnl.IFLA_INFO_KIND, "bridge");
              w.endNest(li);
            },
            "add link",
            name);
      }
      List<NlMessage> all = s.dump(Rtnl.RTM_GETLINK, NetlinkSocketTest::ifinfo, "dump", null);
      assertEquals(41, all.size());
      assertTrue(all.stream().allMatch(m -> (m.flags() & Nl.NLM_F_MULTI) != 0));
    }
  }

  @Test
  void requestWithoutReplyTimesOutAtItsDeadline(NetworkNamespace ns) {
    try (NetlinkSocket s = open(ns, Duration.ofMillis(200))) {
      long start = System.nanoTime();
      // A GET with NLM_F_ACK cleared and a type nobody answers with data: NLMSG_NOOP gets no reply.
      NetlinkException e =
          assertThrows(NetlinkException.class, () -> s.get(Nl.NLMSG_NOOP, w -> {}, "noop", null));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(110, e.errno());
      assertTrue(ms >= 150 && ms < 5_000, "waited " + ms + " ms");
    }
  }

  @Test
  void socketIsBoundToTheNamespaceItWasOpenedIn(NetworkNamespace ns) throws Exception {
    try (NetlinkSocket s = open(ns, Duration.ofSeconds(5))) {
      // Used from this (host) thread, the socket still sees only the test namespace's links.
      List<NlMessage> links = s.dump(Rtnl.RTM_GETLINK, NetlinkSocketTest::ifinfo, "dump", null);
      assertEquals(1, links.size());
      assertEquals("lo", Rtnl.link(links.get(0)).name());
    }
  }
}
