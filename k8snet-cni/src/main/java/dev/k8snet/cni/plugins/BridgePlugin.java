package dev.k8snet.cni.plugins;

import dev.k8snet.cni.Attachment;
import dev.k8snet.cni.CniCommand;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniPlugin;
import dev.k8snet.cni.CniRequest;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.internal.BridgeConfig;
import dev.k8snet.cni.internal.Delegate;
import dev.k8snet.cni.internal.Json;
import dev.k8snet.cni.internal.Masquerade;
import dev.k8snet.cni.internal.Namespaces;
import dev.k8snet.cni.internal.Phases;
import dev.k8snet.cni.internal.ResultCodec;
import dev.k8snet.cni.internal.SpoofCheck;
import dev.k8snet.cni.ipam.IpamState;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.AddressFlag;
import dev.k8snet.core.netlink.BridgePortFlag;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.NetlinkException;
import dev.k8snet.core.netlink.Route;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code k8snet-bridge}: attaches a pod to a Linux bridge with a veth pair, like the reference
 * {@code bridge} plugin and with its configuration keys ({@code bridge}, {@code isGateway}, {@code
 * isDefaultGateway}, {@code forceAddress}, {@code ipMasq}, {@code mtu}, {@code hairpinMode}, {@code
 * promiscMode}, {@code ipam}). IPAM {@code k8snet-ipam} runs in-process; any other IPAM type is
 * executed from {@code CNI_PATH} with the same environment and byte-identical stdin. Masquerading
 * uses nftables.
 *
 * <p>A failed ADD undoes everything it did (veth, IPAM reservation, bridge it created, addresses,
 * masquerade rules) before reporting the error. DEL is idempotent and succeeds when the namespace
 * is gone or empty; it still releases the reservation and the masquerade rules.
 *
 * @since 0.1
 */
public final class BridgePlugin implements CniPlugin {
  private static final Logger log = LoggerFactory.getLogger(BridgePlugin.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Optional<NetworkNamespace> host;
  private final IpamPlugin ipam;

  /** A plugin that works in the calling thread's network namespace (the host). */
  public BridgePlugin() {
    this(IpamState.standalone());
  }

  /**
   * A plugin in the host namespace whose in-process {@code k8snet-ipam} keeps its reservations in
   * {@code ipam} (the node daemon passes {@link IpamState#inMemory()}).
   *
   * @param ipam the IPAM state of the in-process {@code k8snet-ipam}
   */
  public BridgePlugin(IpamState ipam) {
    this.host = Optional.empty();
    this.ipam = new IpamPlugin(ipam);
  }

  /**
   * A plugin whose "host" side (bridge, host veth end, masquerading) lives in {@code host}; the
   * namespace must stay open while the plugin is used.
   *
   * @param host the namespace of the host side
   */
  public BridgePlugin(NetworkNamespace host) {
    this(host, IpamState.standalone());
  }

  /**
   * A plugin with its host side in {@code host} and its in-process IPAM state in {@code ipam}.
   *
   * @param host the namespace of the host side
   * @param ipam the IPAM state of the in-process {@code k8snet-ipam}
   */
  public BridgePlugin(NetworkNamespace host, IpamState ipam) {
    this.host = Optional.of(host);
    this.ipam = new IpamPlugin(ipam);
  }

  private static BridgeConfig config(CniRequest r) {
    return BridgeConfig.parse(r.config().json(), r.env().args());
  }

  @Override
  public CniResult add(CniRequest r) {
    BridgeConfig cfg = config(r);
    String ifname = r.env().requireIfname();
    String cid = r.env().requireContainerId();
    Path netnsPath = r.env().netns().orElseThrow();
    Deque<Runnable> undo = new ArrayDeque<>();
    try (NetworkNamespace pod = Namespaces.openContainer(netnsPath);
        NetworkNamespace hostNs = Namespaces.openHost(host);
        Netlink pnl = pod.netlink();
        Netlink hnl = hostNs.netlink()) {
      Phases.mark("netns");
      try {
        if (pnl.link(ifname).isPresent()) {
          throw new CniException(
              CniException.PLUGIN_SPECIFIC,
              "container veth name provided (" + ifname + ") already exists",
              "CNI_IFNAME=" + ifname + " exists in " + netnsPath);
        }
        Link bridge = ensureBridge(hnl, cfg, undo);
        String hostName = createVeth(hnl, pod, bridge, cfg, ifname, undo);
        Phases.mark("links");
        if (cfg.macspoofchk()) {
          MacAddress containerMac = pnl.link(ifname).orElseThrow().mac().orElseThrow();
          String id = SpoofCheck.id(cid, ifname);
          try (Nftables nft = hostNs.nftables()) {
            SpoofCheck.setup(nft, hostName, containerMac, id);
          }
          undo.push(
              () -> {
                try (Nftables nft = hostNs.nftables()) {
                  SpoofCheck.teardown(nft, id);
                }
              });
          Phases.mark("rules");
        }
        CniResult ipamResult = CniResult.empty(r.config().cniVersion());
        if (cfg.ipamType().isPresent()) {
          ipamResult = Delegate.run(r, cfg.ipamType().get(), ipam, CniCommand.ADD).orElseThrow();
          undo.push(() -> Delegate.run(r, cfg.ipamType().get(), ipam, CniCommand.DEL));
          if (ipamResult.ips().isEmpty()) {
            throw new CniException(
                CniException.PLUGIN_SPECIFIC,
                "IPAM plugin returned missing IP config",
                "ipam.type " + cfg.ipamType().get() + " returned no ips");
          }
        }
        CniResult ipam = ipamResult;
        Phases.mark("ipam");
        Link container = pnl.link(ifname).orElseThrow();
        boolean v6 = ipam.ips().stream().anyMatch(i -> i.address().family() == IpFamily.IPV6);
        if (v6) {
          // As the reference: no duplicate address detection unless enabledad asks for it.
          pod.sysctls().set("net.ipv6.conf." + ifname + ".accept_dad", cfg.enableDad() ? "1" : "0");
          if (cfg.enableDad()) {
            pod.sysctls().set("net.ipv6.conf." + ifname + ".enhanced_dad", "1");
          }
        }
        if (!ipam.ips().isEmpty()) {
          pod.sysctls().set("net.ipv4.conf." + ifname + ".arp_notify", "1");
        }
        if (!cfg.disableContainerInterface()) {
          pnl.setUp(container);
        }
        for (CniResult.IpConfig ip : ipam.ips()) {
          boolean nodad = ip.address().family() == IpFamily.IPV6 && !cfg.enableDad();
          pnl.addAddress(
              Address.of(container, ip.address())
                  .flags(nodad ? Set.of(AddressFlag.NODAD) : Set.of()));
        }
        Phases.mark("addresses");
        List<CniResult.Route> routes = new ArrayList<>(ipam.routes());
        if (cfg.isDefaultGateway()) {
          for (IpFamily f : IpFamily.values()) {
            Optional<IpAddress> gw = gatewayOf(ipam, f);
            Cidr def = f == IpFamily.IPV4 ? Cidr.parse("0.0.0.0/0") : Cidr.parse("::/0");
            if (gw.isPresent() && routes.stream().noneMatch(x -> x.dst().equals(def))) {
              routes.add(CniResult.Route.of(def, gw));
            }
          }
        }
        for (CniResult.Route rt : routes) {
          Optional<IpAddress> gw = rt.gw().or(() -> gatewayOf(ipam, rt.dst().family()));
          Route.Builder b = Route.builder(rt.dst()).device(container);
          gw.ifPresent(b::gateway);
          rt.priority().ifPresent(b::priority);
          rt.mtu().ifPresent(b::mtu);
          rt.table().ifPresent(b::table);
          pnl.replaceRoute(b.build());
        }
        Phases.mark("routes");
        Optional<Link> vlanGateway = Optional.empty();
        if (cfg.isGateway() && !ipam.ips().isEmpty()) {
          Link target = bridge;
          if (cfg.vlan() != 0) {
            // As the reference: the gateway lives on a veth "<bridge>.<vlan>" in the VLAN.
            target = ensureVlanGateway(hnl, bridge, cfg, undo);
            vlanGateway = Optional.of(target);
          }
          setBridgeGateways(hnl, hostNs, bridge, target, cfg, ipam, undo);
        }
        if (cfg.ipMasq() && !ipam.ips().isEmpty()) {
          try (Nftables nft = hostNs.nftables()) {
            Masquerade.add(
                nft,
                r.config().name(),
                cid,
                ipam.ips().stream().map(i -> i.address().network()).distinct().toList(),
                ipam.ips().stream().map(i -> i.address().address()).toList());
          }
          undo.push(
              () -> {
                try (Nftables nft = hostNs.nftables()) {
                  Masquerade.remove(nft, r.config().name(), cid);
                }
              });
        }
        Phases.mark("rules");
        if (cfg.promiscMode()) {
          exec(hostNs, "ip", "link", "set", "dev", cfg.bridge(), "promisc", "on");
        }
        if (!cfg.disableContainerInterface()) {
          awaitOperUp(hnl, hostName);
          Phases.mark("links");
        }
        Link b = hnl.link(bridge.index()).orElseThrow();
        Link h = hnl.link(hostName).orElseThrow();
        Link c = pnl.link(ifname).orElseThrow();
        List<CniResult.Interface> ifs = new ArrayList<>();
        ifs.add(CniResult.Interface.of(b.name(), mac(b), ""));
        ifs.add(CniResult.Interface.of(h.name(), mac(h), ""));
        ifs.add(CniResult.Interface.of(c.name(), mac(c), netnsPath.toString()));
        vlanGateway
            .flatMap(v -> hnl.link(v.index()))
            .ifPresent(v -> ifs.add(CniResult.Interface.of(v.name(), mac(v), "")));
        List<CniResult.IpConfig> ips = ipam.ips().stream().map(i -> i.withInterface(2)).toList();
        List<CniResult.Route> outRoutes = routes;
        Phases.mark("result");
        // As the reference plugin (v1.2+): DNS settings in the configuration win over the IPAM's.
        CniResult.Dns dns = ResultCodec.dns(Json.object(r.config().json(), "config").get("dns"));
        return new CniResult(
            r.config().cniVersion(),
            ifs,
            ips,
            outRoutes,
            dns.equals(CniResult.Dns.EMPTY) ? ipam.dns() : dns);
      } catch (RuntimeException e) {
        rollback(undo, e);
        throw wrap(e);
      }
    }
  }

  /**
   * Waits, as the reference plugin does, until the host end of the veth is operationally up, so
   * that the pod can send as soon as ADD returns; fails after about 2.5 s.
   */
  private static void awaitOperUp(Netlink hnl, String hostName) {
    String state = "";
    for (int sleep : new int[] {0, 5, 20, 50, 500, 1000, 1000}) {
      if (sleep > 0) {
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CniException(CniException.TRY_AGAIN_LATER, "interrupted", hostName, e);
        }
      }
      state = hnl.link(hostName).map(Link::operState).orElse("gone");
      if (state.equals("UP")) {
        return;
      }
    }
    throw new CniException(
        CniException.TRY_AGAIN_LATER,
        "bridge port in error state: " + state,
        "host end " + hostName + " is not up");
  }

  private static String mac(Link l) {
    return l.mac().map(Object::toString).orElse("");
  }

  private static Optional<IpAddress> gatewayOf(CniResult r, IpFamily f) {
    return r.ips().stream()
        .filter(i -> i.address().family() == f)
        .map(CniResult.IpConfig::gateway)
        .flatMap(Optional::stream)
        .findFirst();
  }

  private static void rollback(Deque<Runnable> undo, RuntimeException cause) {
    while (!undo.isEmpty()) {
      try {
        undo.pop().run();
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
        log.warn("rollback step failed: {}", e.toString());
      }
    }
  }

  private static CniException wrap(RuntimeException e) {
    if (e instanceof CniException c) {
      return c;
    }
    if (e instanceof NetlinkException n) {
      return new CniException(
          CniException.PLUGIN_SPECIFIC, "netlink: " + n.getMessage(), n.errnoName(), n);
    }
    return new CniException(
        CniException.PLUGIN_SPECIFIC,
        e.getClass().getSimpleName(),
        String.valueOf(e.getMessage()),
        e);
  }

  private static Link ensureBridge(Netlink hnl, BridgeConfig cfg, Deque<Runnable> undo) {
    Optional<Link> existing = hnl.link(cfg.bridge());
    if (existing.isPresent()) {
      Link l = existing.get();
      if (!"bridge".equals(l.kind().orElse(""))) {
        throw new CniException(
            CniException.INVALID_CONFIG,
            cfg.bridge() + " already exists but is not a bridge",
            "bridge: " + cfg.bridge() + " is a " + l.kind().orElse("device"));
      }
      if (!l.up()) {
        hnl.setUp(l);
      }
      return l;
    }
    LinkSpec.Builder b = LinkSpec.builder(cfg.bridge(), LinkKind.bridge()).up(true);
    cfg.mtu().ifPresent(b::mtu);
    try {
      hnl.addLink(b.build());
    } catch (NetlinkException e) {
      if (e.errno() != 17) {
        throw e;
      }
      return hnl.link(cfg.bridge()).orElseThrow(); // created concurrently
    }
    Link l = hnl.link(cfg.bridge()).orElseThrow();
    undo.push(
        () -> {
          boolean alone =
              hnl.links().stream()
                  .noneMatch(x -> x.masterIndex().equals(OptionalInt.of(l.index())));
          if (alone) {
            hnl.link(l.index()).ifPresent(hnl::deleteLink);
          }
        });
    if (cfg.vlanFiltering()) {
      // As the reference plugin: only a bridge it creates gets vlan_filtering.
      vlanOp(cfg, () -> hnl.setVlanFiltering(l, true));
    }
    return l;
  }

  private static String createVeth(
      Netlink hnl,
      NetworkNamespace pod,
      Link bridge,
      BridgeConfig cfg,
      String ifname,
      Deque<Runnable> undo) {
    for (int attempt = 0; ; attempt++) {
      byte[] rnd = new byte[4];
      RANDOM.nextBytes(rnd);
      String name = "veth" + HexFormat.of().formatHex(rnd);
      LinkKind.Veth kind = LinkKind.veth(ifname).peerNamespace(pod);
      if (cfg.mtu().isPresent()) {
        kind = kind.peerMtu(cfg.mtu().getAsInt());
      }
      if (cfg.mac().isPresent()) {
        kind = kind.peerMac(cfg.mac().get());
      }
      LinkSpec.Builder b = LinkSpec.builder(name, kind).master(bridge).up(true);
      cfg.mtu().ifPresent(b::mtu);
      try {
        hnl.addLink(b.build());
      } catch (NetlinkException e) {
        if (e.errno() == 17 && attempt < 5 && hnl.link(name).isPresent()) {
          continue; // host name collision: pick another
        }
        throw e;
      }
      undo.push(() -> hnl.link(name).ifPresent(hnl::deleteLink));
      configurePort(hnl, hnl.link(name).orElseThrow(), cfg, cfg.vlan(), cfg.vlanTrunk());
      return name;
    }
  }

  /** Hairpin, isolation and VLANs of a new bridge port, as the reference plugin's setupVeth. */
  private static void configurePort(
      Netlink hnl, Link port, BridgeConfig cfg, int vlan, List<Integer> trunk) {
    if (cfg.hairpinMode()) {
      hnl.setBridgePortFlag(port, BridgePortFlag.HAIRPIN, true);
    }
    if (cfg.portIsolation()) {
      hnl.setBridgePortFlag(port, BridgePortFlag.ISOLATED, true);
    }
    if (vlan == 0 && trunk.isEmpty()) {
      return;
    }
    vlanOp(
        cfg,
        () -> {
          if (!cfg.preserveDefaultVlan()) {
            try {
              hnl.deleteBridgeVlans(port, 1, 1); // the bridge's default PVID
            } catch (NetlinkException e) {
              if (e.errno() != 2) { // ENOENT: the bridge has another default
                throw e;
              }
            }
          }
          if (vlan != 0) {
            hnl.addBridgeVlans(port, vlan, vlan, true, true);
          }
          for (int i = 0; i < trunk.size(); ) {
            int j = i;
            while (j + 1 < trunk.size() && trunk.get(j + 1) == trunk.get(j) + 1) {
              j++;
            }
            hnl.addBridgeVlans(port, trunk.get(i), trunk.get(j), false, false);
            i = j + 1;
          }
          if (vlan == 0) {
            hnl.addBridgeVlans(port, 1, 1, true, true); // native VLAN of a trunk, as the reference
          }
        });
  }

  /** Runs a VLAN operation; a kernel without bridge VLAN filtering is reported as such. */
  private static void vlanOp(BridgeConfig cfg, Runnable op) {
    try {
      op.run();
    } catch (NetlinkException e) {
      if (e.errno() == 95) { // EOPNOTSUPP
        throw new CniException(
            CniException.UNSUPPORTED_FIELD,
            "unsupported field: " + (cfg.vlan() != 0 ? "vlan" : "vlanTrunk"),
            (cfg.vlan() != 0 ? "vlan: " + cfg.vlan() : "vlanTrunk: " + cfg.vlanTrunk())
                + " needs bridge VLAN filtering, which this kernel lacks (EOPNOTSUPP,"
                + " CONFIG_BRIDGE_VLAN_FILTERING)",
            e);
      }
      throw e;
    }
  }

  /**
   * The reference plugin's VLAN gateway: a veth pair in the host namespace whose end {@code
   * <bridge>.<vlan>} carries the gateway addresses and whose other end is a bridge port with the
   * VLAN as untagged PVID. Reused when it exists; removed on rollback when this call created it.
   */
  private static Link ensureVlanGateway(
      Netlink hnl, Link bridge, BridgeConfig cfg, Deque<Runnable> undo) {
    String name = cfg.bridge() + "." + cfg.vlan();
    Optional<Link> existing = hnl.link(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    if (name.length() > 15) {
      throw new CniException(
          CniException.INVALID_CONFIG,
          "VLAN gateway name " + name + " is longer than 15 characters",
          "bridge: " + cfg.bridge() + ", vlan: " + cfg.vlan() + " (use a shorter bridge name)");
    }
    byte[] rnd = new byte[4];
    RANDOM.nextBytes(rnd);
    String port = "veth" + HexFormat.of().formatHex(rnd);
    LinkSpec.Builder b = LinkSpec.builder(port, LinkKind.veth(name)).master(bridge).up(true);
    cfg.mtu().ifPresent(b::mtu);
    hnl.addLink(b.build());
    undo.push(() -> hnl.link(port).ifPresent(hnl::deleteLink));
    configurePort(hnl, hnl.link(port).orElseThrow(), cfg, cfg.vlan(), List.of());
    Link gw = hnl.link(name).orElseThrow();
    hnl.setUp(gw);
    return hnl.link(name).orElseThrow();
  }

  /**
   * Puts the gateways on {@code target} (the bridge, or the VLAN gateway on it); on rollback they
   * are removed again unless other pods use the bridge.
   */
  private static void setBridgeGateways(
      Netlink hnl,
      NetworkNamespace hostNs,
      Link bridge,
      Link target,
      BridgeConfig cfg,
      CniResult ipam,
      Deque<Runnable> undo) {
    for (CniResult.IpConfig ip : ipam.ips()) {
      if (ip.gateway().isEmpty()) {
        continue;
      }
      InterfaceAddress want = new InterfaceAddress(ip.gateway().get(), ip.address().prefixLength());
      IpFamily f = want.family();
      List<Address> have =
          hnl.addresses(target).stream().filter(a -> a.address().family() == f).toList();
      if (have.stream().anyMatch(a -> a.address().equals(want))) {
        continue;
      }
      List<Address> conflicting =
          have.stream()
              .filter(a -> f == IpFamily.IPV4 || a.address().network().overlaps(want.network()))
              .filter(a -> !a.address().address().isLinkLocal())
              .toList();
      if (!conflicting.isEmpty()) {
        if (!cfg.forceAddress()) {
          throw new CniException(
              CniException.INVALID_CONFIG,
              "failed to set bridge addr: \""
                  + cfg.bridge()
                  + "\" already has an IP address different from "
                  + want,
              cfg.bridge()
                  + " has "
                  + conflicting.stream()
                      .map(a -> a.address().toString())
                      .collect(Collectors.joining(", "))
                  + "; set forceAddress to replace it");
        }
        for (Address a : conflicting) {
          hnl.deleteAddress(a);
        }
      }
      Address a =
          Address.of(target, want).flags(f == IpFamily.IPV6 ? Set.of(AddressFlag.NODAD) : Set.of());
      hnl.addAddress(a);
      undo.push(
          () -> {
            long ports =
                hnl.links().stream()
                    .filter(x -> x.masterIndex().equals(OptionalInt.of(bridge.index())))
                    .count();
            if (ports <= 1) {
              hnl.deleteAddress(a);
            }
          });
      hostNs.sysctls().setForwarding(f, true);
    }
  }

  private static void exec(NetworkNamespace ns, String... cmd) {
    List<String> full = new ArrayList<>(List.of("nsenter", "--net=" + ns.path()));
    full.addAll(List.of(cmd));
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new CniException(
            CniException.PLUGIN_SPECIFIC, "failed: " + String.join(" ", cmd), out.strip());
      }
    } catch (IOException e) {
      throw new CniException(CniException.IO_FAILURE, "cannot run " + cmd[0], e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CniException(CniException.TRY_AGAIN_LATER, "interrupted", String.join(" ", cmd), e);
    }
  }

  @Override
  public void del(CniRequest r) {
    BridgeConfig cfg = config(r);
    String ifname = r.env().requireIfname();
    String cid = r.env().requireContainerId();
    List<RuntimeException> errors = new ArrayList<>();
    Optional<Path> netns = r.env().netns().filter(Files::exists);
    if (netns.isPresent()) {
      try (NetworkNamespace pod = NetworkNamespace.open(netns.get());
          Netlink pnl = pod.netlink()) {
        pnl.link(ifname).ifPresent(pnl::deleteLink);
      } catch (K8snetException e) {
        log.debug("DEL: namespace {} unusable, skipping the link: {}", netns.get(), e.toString());
      }
    }
    Phases.mark("links");
    if (cfg.ipamType().isPresent()) {
      try {
        Delegate.run(r, cfg.ipamType().get(), ipam, CniCommand.DEL);
      } catch (CniException e) {
        if (e.msg().startsWith("failed to find plugin")) {
          log.warn(
              "DEL: IPAM plugin {} missing; nothing released: {}",
              cfg.ipamType().get(),
              e.getMessage());
        } else {
          errors.add(e);
        }
      }
    }
    Phases.mark("ipam");
    if (cfg.macspoofchk()) {
      try (NetworkNamespace hostNs = Namespaces.openHost(host);
          Nftables nft = hostNs.nftables()) {
        SpoofCheck.teardown(nft, SpoofCheck.id(cid, ifname));
      } catch (RuntimeException e) {
        errors.add(e);
      }
    }
    if (cfg.ipMasq()) {
      try (NetworkNamespace hostNs = Namespaces.openHost(host);
          Nftables nft = hostNs.nftables()) {
        Masquerade.remove(nft, r.config().name(), cid);
      } catch (RuntimeException e) {
        errors.add(e);
      }
    }
    Phases.mark("rules");
    if (!errors.isEmpty()) {
      throw wrap(errors.get(0));
    }
  }

  @Override
  public void check(CniRequest r) {
    BridgeConfig cfg = config(r);
    CniResult prev =
        r.config()
            .prevResult()
            .orElseThrow(
                () ->
                    new CniException(
                        CniException.INVALID_CONFIG,
                        "Required prevResult missing",
                        "CHECK needs prevResult"));
    String ifname = r.env().requireIfname();
    Path netnsPath = r.env().netns().orElseThrow();
    try (NetworkNamespace pod = Namespaces.openContainer(netnsPath);
        NetworkNamespace hostNs = Namespaces.openHost(host);
        Netlink pnl = pod.netlink();
        Netlink hnl = hostNs.netlink()) {
      Link bridge =
          hnl.link(cfg.bridge())
              .orElseThrow(
                  () ->
                      new CniException(
                          CniException.PLUGIN_SPECIFIC,
                          "bridge " + cfg.bridge() + " not found",
                          "bridge: " + cfg.bridge()));
      Link c =
          pnl.link(ifname)
              .orElseThrow(
                  () ->
                      new CniException(
                          CniException.PLUGIN_SPECIFIC,
                          "interface " + ifname + " not found in " + netnsPath,
                          "CNI_IFNAME=" + ifname));
      if (!c.up()) {
        throw new CniException(
            CniException.PLUGIN_SPECIFIC,
            "interface " + ifname + " is down",
            "CNI_IFNAME=" + ifname);
      }
      int peer = c.parentIndex().orElse(-1);
      Optional<Link> hostEnd = hnl.link(peer);
      if (hostEnd.isEmpty()
          || !hostEnd.get().masterIndex().equals(OptionalInt.of(bridge.index()))) {
        throw new CniException(
            CniException.PLUGIN_SPECIFIC,
            "host end of " + ifname + " is not on bridge " + cfg.bridge(),
            "peer index " + peer);
      }
      List<InterfaceAddress> addrs = pnl.addresses(c).stream().map(Address::address).toList();
      for (CniResult.IpConfig ip : prev.ips()) {
        if (!addrs.contains(ip.address())) {
          throw new CniException(
              CniException.PLUGIN_SPECIFIC,
              "Failed to match addr " + ip.address() + " on interface " + ifname,
              "addresses: " + addrs);
        }
      }
      for (CniResult.Route rt : prev.routes()) {
        List<Route> have = pnl.routes(rt.dst().family());
        boolean ok =
            have.stream()
                .anyMatch(
                    x ->
                        x.destination().equals(rt.dst())
                            && (rt.gw().isEmpty() || x.gateway().equals(rt.gw())));
        if (!ok) {
          throw new CniException(
              CniException.PLUGIN_SPECIFIC,
              "Expected route "
                  + rt.dst()
                  + rt.gw().map(g -> " via " + g).orElse("")
                  + " not found in routing table",
              "routes of " + ifname);
        }
      }
      if (cfg.ipMasq() && !prev.ips().isEmpty()) {
        try (Nftables nft = hostNs.nftables()) {
          String chain = Masquerade.chain(r.config().name(), r.env().requireContainerId());
          if (!nft.listJson("table inet " + Masquerade.table(r.config().name()))
              .contains("\"" + chain + "\"")) {
            throw new CniException(
                CniException.PLUGIN_SPECIFIC,
                "masquerade chain " + chain + " missing",
                "ipMasq: true");
          }
        } catch (dev.k8snet.core.nftables.NftablesException e) {
          throw new CniException(
              CniException.PLUGIN_SPECIFIC, "masquerade table missing", e.getMessage(), e);
        }
      }
    }
    if (cfg.macspoofchk()) {
      String id = SpoofCheck.id(r.env().requireContainerId(), ifname);
      try (NetworkNamespace hostNs = Namespaces.openHost(host);
          Nftables nft = hostNs.nftables()) {
        if (!SpoofCheck.present(nft, id)) {
          throw new CniException(
              CniException.PLUGIN_SPECIFIC,
              "macspoofchk rules of " + id + " missing",
              "no rule with comment macspoofchk-" + id + " in bridge nat PREROUTING");
        }
      }
    }
    if (cfg.ipamType().isPresent()) {
      Delegate.run(r, cfg.ipamType().get(), ipam, CniCommand.CHECK);
    }
  }

  @Override
  public void status(CniRequest r) {
    BridgeConfig cfg = config(r);
    if (cfg.ipamType().isPresent()) {
      Delegate.run(r, cfg.ipamType().get(), ipam, CniCommand.STATUS);
    }
  }

  @Override
  public void gc(CniRequest r, List<Attachment> valid) {
    BridgeConfig cfg = config(r);
    RuntimeException first = null;
    if (cfg.ipamType().isPresent()) {
      try {
        Delegate.run(r, cfg.ipamType().get(), ipam, CniCommand.GC);
      } catch (RuntimeException e) {
        first = e;
      }
    }
    if (cfg.ipMasq()) {
      Set<String> keep =
          valid.stream()
              .map(a -> Masquerade.chain(r.config().name(), a.containerId()))
              .collect(Collectors.toSet());
      try (NetworkNamespace hostNs = Namespaces.openHost(host);
          Nftables nft = hostNs.nftables()) {
        Masquerade.removeChains(nft, r.config().name(), keep, true);
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw wrap(first);
    }
  }
}
