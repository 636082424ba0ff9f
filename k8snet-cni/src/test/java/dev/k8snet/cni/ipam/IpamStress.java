package dev.k8snet.cni.ipam;

import dev.k8snet.cni.Attachment;
import dev.k8snet.cni.CniResult;
import dev.k8snet.core.Cidr;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A process that allocates addresses in a loop, printing each once it is reserved. */
public final class IpamStress {
  private IpamStress() {}

  /**
   * Allocates.
   *
   * @param args dataDir, container id prefix, count
   */
  public static void main(String[] args) {
    HostLocalStore store = new HostLocalStore(Path.of(args[0]), "stress");
    List<List<IpamRange>> sets = List.of(List.of(IpamRange.of(Cidr.parse("10.200.0.0/16"))));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    int n = Integer.parseInt(args[2]);
    for (int i = 0; i < n; i++) {
      String cid = args[1] + "-" + i;
      List<CniResult.IpConfig> ips = store.allocate(new Attachment(cid, "eth0"), sets, List.of());
      out.println(cid + " " + ips.get(0).address().address());
    }
  }
}
