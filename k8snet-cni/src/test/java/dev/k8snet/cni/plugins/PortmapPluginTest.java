package dev.k8snet.cni.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.Calls;
import dev.k8snet.cni.Calls.Outcome;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.testkit.NetnsTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host ports to a pod on our bridge, through nftables. */
@NetnsTest(tools = {"nft"})
class PortmapPluginTest {
  @TempDir Path data;
  private final PodNamespaces pods = new PodNamespaces();

  @AfterEach
  void deletePods() {
    pods.close();
  }

  private static boolean connects(NetworkNamespace from, String ip, int port) {
    return from.run(
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 1500);
            return s.getInputStream().read() == 42;
          } catch (IOException e) {
            return false;
          }
        });
  }

  @Test
  void mapsAHostPortToThePodAndRemovesItOnDel(NetworkNamespace host) throws Exception {
    NetworkNamespace pod = pods.create();
    String bridge =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"t1\",\"type\":\"k8snet-bridge\",\"bridge\":\"tb0\",\"isGateway\":true,"
            + "\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
            + data
            + "\",\"subnet\":\"10.9.0.0/24\"}}";
    Outcome add =
        Calls.run(
                new BridgePlugin(host),
                Calls.env("ADD", "ctr-a", pod.path().toString(), "eth0"),
                bridge)
            .ok();
    String pm =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"t1\",\"type\":\"k8snet-portmap\",\"runtimeConfig\":{\"portMappings\":["
            + "{\"hostPort\":18080,\"containerPort\":80,\"protocol\":\"tcp\"},{\"hostPort\":18053,\"containerPort\":53,\"protocol\":\"udp\",\"hostIP\":\"127.0.0.1\"}]},"
            + "\"prevResult\":"
            + add.stdout()
            + "}";
    Outcome noPrev =
        Calls.run(
            new PortmapPlugin(host),
            Calls.env("ADD", "ctr-a", pod.path().toString(), "eth0"),
            pm.replaceFirst(",\"prevResult\":.*\\}$", "}"));
    assertEquals("must be called as chained plugin", noPrev.msg());
    Outcome out =
        Calls.run(
                new PortmapPlugin(host),
                Calls.env("ADD", "ctr-a", pod.path().toString(), "eth0"),
                pm)
            .ok();
    assertEquals(add.json(), out.json(), "output is the previous result");
    assertEquals("1", host.sysctls().get("net.ipv4.conf.tb0.route_localnet"));
    try (ServerSocket server =
        pod.run(() -> new ServerSocket(80, 5, InetAddress.getByName("10.9.0.2")))) {
      Thread acceptor =
          new Thread(
              () -> {
                while (true) {
                  try (Socket s = server.accept()) {
                    s.getOutputStream().write(42);
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.start();
      assertTrue(connects(host, "10.9.0.1", 18080), "host port reaches the pod");
      Calls.run(
              new PortmapPlugin(host),
              Calls.env("CHECK", "ctr-a", pod.path().toString(), "eth0"),
              pm)
          .ok();
      Calls.run(
              new PortmapPlugin(host), Calls.env("DEL", "ctr-a", pod.path().toString(), "eth0"), pm)
          .ok();
      Calls.run(new PortmapPlugin(host), Calls.env("DEL", "ctr-a", "", "eth0"), pm).ok();
      assertFalse(connects(host, "10.9.0.1", 18080), "mapping gone after DEL");
    }
    try (Nftables nft = host.nftables()) {
      String table = nft.listJson("table inet k8snet-portmap-t1");
      assertFalse(table.contains(PortmapPlugin.chain("t1", "ctr-a")), table);
      assertFalse(table.contains("18080"), table);
    }
    assertThrows(
        AssertionError.class,
        () ->
            Calls.run(
                    new PortmapPlugin(host),
                    Calls.env("CHECK", "ctr-a", pod.path().toString(), "eth0"),
                    pm)
                .ok());
  }
}
