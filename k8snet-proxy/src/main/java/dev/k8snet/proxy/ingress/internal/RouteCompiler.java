package dev.k8snet.proxy.ingress.internal;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.HttpIngressPath;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IngressBackend;
import dev.k8snet.core.model.IngressClass;
import dev.k8snet.core.model.IngressRule;
import dev.k8snet.core.model.IngressTls;
import dev.k8snet.core.model.PathType;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Secret;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.proxy.ProxyConfig;
import dev.k8snet.proxy.ProxyNode;
import dev.k8snet.proxy.ServiceEndpoint;
import dev.k8snet.proxy.ServiceTable;
import dev.k8snet.proxy.ingress.IngressAnnotations;
import dev.k8snet.proxy.ingress.IngressSettings;
import dev.k8snet.proxy.ingress.ServiceBackendRef;
import dev.k8snet.proxy.ingress.internal.RouteTable.Canary;
import dev.k8snet.proxy.ingress.internal.RouteTable.HostGroup;
import dev.k8snet.proxy.ingress.internal.RouteTable.Route;
import dev.k8snet.proxy.ingress.internal.RouteTable.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Compiles the Ingresses of our class in a snapshot into a {@link RouteTable}. */
public final class RouteCompiler {
  private RouteCompiler() {}

  /** One path of one served Ingress before grouping. */
  private record Entry(String hostKey, Route route) {}

  /**
   * Compiles a table. Never throws for bad objects: an Ingress with an invalid annotation is
   * skipped and reported; a missing Secret is reported and its hosts use the default certificate.
   */
  public static RouteTable compile(ClusterState state, IngressSettings settings) {
    List<String> problems = new ArrayList<>();
    List<IngressClass> classes = state.all(IngressClass.class);
    Set<String> ours = new TreeSet<>();
    for (IngressClass c : classes) {
      if (c.controller().equals(settings.controllerName())) {
        ours.add(c.metadata().name());
      }
    }
    Optional<IngressClass> dflt = IngressClass.defaultClass(classes);
    List<Ingress> served = new ArrayList<>();
    for (Ingress ing : state.all(Ingress.class)) {
      Optional<String> cls = ing.className();
      boolean mine;
      if (cls.isPresent()) {
        mine = ours.contains(cls.get());
      } else if (dflt.isPresent()) {
        // The DefaultIngressClass admission plugin would have set the default class on create.
        mine = ours.contains(dflt.get().metadata().name());
      } else {
        mine = settings.watchWithoutClass();
      }
      if (mine) {
        served.add(ing);
      }
    }
    served.sort(
        Comparator.comparing((Ingress i) -> created(i))
            .thenComparing(i -> i.metadata().namespace())
            .thenComparing(i -> i.metadata().name()));
    ProxyNode node = new ProxyNode(settings.nodeName(), List.of(), Map.of());
    if (!settings.nodeName().isEmpty()) {
      node = ProxyNode.of(settings.nodeName(), state.node(settings.nodeName()), List.of());
    }
    Resolver resolver = new Resolver(state, node);
    List<Entry> entries = new ArrayList<>();
    List<Entry> canaries = new ArrayList<>();
    Route defaultRoute = null;
    String defaultFrom = "";
    Map<String, Secret> certs = new LinkedHashMap<>();
    List<String> servedNames = new ArrayList<>();
    int order = 0;
    for (Ingress ing : served) {
      String name = ing.metadata().namespace() + "/" + ing.metadata().name();
      IngressAnnotations options;
      try {
        options = IngressAnnotations.parse(ing.metadata().annotations());
      } catch (IllegalArgumentException e) {
        problems.add("Ingress " + name + ": " + e.getMessage() + "; the Ingress is skipped");
        continue;
      }
      servedNames.add(name);
      Instant created = created(ing);
      for (int t = 0; t < ing.tls().size(); t++) {
        IngressTls tls = ing.tls().get(t);
        if (tls.secretName().isEmpty()) {
          continue;
        }
        String where = "Ingress " + name + " spec.tls[" + t + "].secretName";
        Optional<Secret> secret =
            state.get(Secret.class, ing.metadata().namespace(), tls.secretName().get());
        if (secret.isEmpty()) {
          problems.add(
              where
                  + ": Secret "
                  + ing.metadata().namespace()
                  + "/"
                  + tls.secretName().get()
                  + " not found; its hosts get the default certificate");
          continue;
        }
        if (!secret.get().type().equals(Secret.TLS_TYPE)
            || secret.get().get(Secret.TLS_CERT_KEY).isEmpty()
            || secret.get().get(Secret.TLS_KEY_KEY).isEmpty()) {
          problems.add(
              where
                  + ": Secret "
                  + secret.get().ref().namespace()
                  + "/"
                  + secret.get().ref().name()
                  + " is not of type kubernetes.io/tls with tls.crt and tls.key; its hosts get"
                  + " the default certificate");
          continue;
        }
        for (String h : tls.hosts()) {
          Secret prev = certs.putIfAbsent(h, secret.get());
          if (prev != null && !prev.ref().equals(secret.get().ref())) {
            problems.add(
                where
                    + ": host "
                    + h
                    + " already has the certificate of Secret "
                    + prev.ref().namespace()
                    + "/"
                    + prev.ref().name()
                    + " from an older Ingress (ignored)");
          }
        }
      }
      if (ing.defaultBackend().isPresent()) {
        Target target = resolver.resolve(ing, ing.defaultBackend().get());
        Route r =
            new Route(
                name,
                RouteTable.Route.DEFAULT_BACKEND_RULE,
                PathType.PREFIX,
                "",
                List.of(),
                options,
                target,
                Optional.empty(),
                created,
                order++);
        if (options.canary()) {
          problems.add("Ingress " + name + ": spec.defaultBackend of a canary Ingress is ignored");
        } else if (defaultRoute == null) {
          defaultRoute = r;
          defaultFrom = name;
        } else {
          problems.add(
              "Ingress "
                  + name
                  + ": spec.defaultBackend ignored: the older Ingress "
                  + defaultFrom
                  + " has one");
        }
      }
      for (int ri = 0; ri < ing.rules().size(); ri++) {
        IngressRule rule = ing.rules().get(ri);
        String hostKey = rule.host().orElse("");
        for (int pi = 0; pi < rule.paths().size(); pi++) {
          HttpIngressPath p = rule.paths().get(pi);
          PathType type =
              p.pathType() == PathType.IMPLEMENTATION_SPECIFIC ? PathType.PREFIX : p.pathType();
          String path = p.path().isEmpty() ? "/" : p.path();
          List<String> elements = new ArrayList<>();
          for (String e : path.split("/")) {
            if (!e.isEmpty()) {
              elements.add(e);
            }
          }
          Route r =
              new Route(
                  name,
                  "spec.rules[" + ri + "].http.paths[" + pi + "]",
                  type,
                  path,
                  elements,
                  options,
                  resolver.resolve(ing, p.backend()),
                  Optional.empty(),
                  created,
                  order++);
          (options.canary() ? canaries : entries).add(new Entry(hostKey, r));
        }
      }
    }
    // Attach each canary to the primary route with the same host, path and type.
    for (Entry c : canaries) {
      boolean attached = false;
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        Route r = e.route();
        if (e.hostKey().equals(c.hostKey())
            && r.path().equals(c.route().path())
            && r.type() == c.route().type()) {
          if (r.canary().isPresent()) {
            problems.add(
                "Ingress "
                    + c.route().ingress()
                    + ": "
                    + c.route().rule()
                    + " ignored: "
                    + r.canary().get().ingress()
                    + " is already the canary of "
                    + describe(c.hostKey(), r));
            attached = true;
            break;
          }
          IngressAnnotations o = c.route().options();
          Canary canary =
              new Canary(
                  c.route().target(),
                  c.route().ingress(),
                  o.canaryWeight(),
                  o.canaryWeightTotal(),
                  o.canaryHeader(),
                  o.canaryHeaderValue());
          entries.set(
              i,
              new Entry(
                  e.hostKey(),
                  new Route(
                      r.ingress(),
                      r.rule(),
                      r.type(),
                      r.path(),
                      r.elements(),
                      r.options(),
                      r.target(),
                      Optional.of(canary),
                      r.created(),
                      r.order())));
          attached = true;
          break;
        }
      }
      if (!attached) {
        problems.add(
            "Ingress "
                + c.route().ingress()
                + ": "
                + c.route().rule()
                + " is a canary but no other Ingress routes "
                + describe(c.hostKey(), c.route())
                + " (ignored)");
      }
    }
    Map<String, List<Route>> byHost = new HashMap<>();
    for (Entry e : entries) {
      byHost.computeIfAbsent(e.hostKey(), k -> new ArrayList<>()).add(e.route());
    }
    Map<String, HostGroup> exact = new HashMap<>();
    Map<String, HostGroup> wildcard = new HashMap<>();
    Optional<HostGroup> any = Optional.empty();
    for (Map.Entry<String, List<Route>> e : byHost.entrySet()) {
      List<Route> routes = new ArrayList<>(e.getValue());
      routes.sort(RouteTable.PRECEDENCE);
      List<Route> kept = new ArrayList<>();
      for (Route r : routes) {
        Optional<Route> same =
            kept.stream()
                .filter(k -> k.type() == r.type() && k.path().equals(r.path()))
                .findFirst();
        if (same.isPresent()) {
          problems.add(
              "Ingress "
                  + r.ingress()
                  + ": "
                  + r.rule()
                  + " ("
                  + describe(e.getKey(), r)
                  + ") is shadowed by "
                  + same.get().rule()
                  + " of the older Ingress "
                  + same.get().ingress());
          continue;
        }
        kept.add(r);
      }
      String host = e.getKey();
      if (host.isEmpty()) {
        any = Optional.of(new HostGroup("any host", kept));
      } else if (host.startsWith("*.")) {
        wildcard.put(host.substring(2), new HostGroup("wildcard " + host, kept));
      } else {
        exact.put(host, new HostGroup("exact " + host, kept));
      }
    }
    return new RouteTable(
        exact, wildcard, any, Optional.ofNullable(defaultRoute), certs, problems, servedNames);
  }

  private static String describe(String host, Route r) {
    return (host.isEmpty() ? "any host" : host) + " " + r.describe();
  }

  private static Instant created(Ingress i) {
    return i.metadata().creationTimestamp().orElse(Instant.MIN);
  }

  /** Resolves backends to Service ports and their endpoints. */
  private static final class Resolver {
    private final ClusterState state;
    private final ProxyNode node;
    private final Map<String, Target> cache = new HashMap<>();

    Resolver(ClusterState state, ProxyNode node) {
      this.state = state;
      this.node = node;
    }

    Target resolve(Ingress ing, IngressBackend backend) {
      String ns = ing.metadata().namespace();
      if (backend instanceof IngressBackend.ResourceBackend rb) {
        return new Target(
            Optional.empty(),
            500,
            List.of(),
            "resource backend "
                + rb.apiGroup().map(g -> g + "/").orElse("")
                + rb.kind()
                + " "
                + ns
                + "/"
                + rb.name()
                + " is not supported by k8snet");
      }
      IngressBackend.ServiceBackend sb = (IngressBackend.ServiceBackend) backend;
      ServiceBackendRef ref = new ServiceBackendRef(ns, sb.name(), sb.port());
      return cache.computeIfAbsent(ref.toString(), k -> resolve(ref));
    }

    private Target resolve(ServiceBackendRef ref) {
      Optional<Service> svc = state.service(ref.namespace(), ref.name());
      if (svc.isEmpty()) {
        return new Target(
            Optional.of(ref), 500, List.of(), "Service " + ref.service() + " not found");
      }
      if (svc.get().type() == ServiceType.EXTERNAL_NAME) {
        return new Target(
            Optional.of(ref),
            500,
            List.of(),
            "Service " + ref.service() + " is of type ExternalName, which k8snet does not proxy");
      }
      ServicePort port = null;
      for (ServicePort sp : svc.get().ports()) {
        if (sp.protocol() != Protocol.TCP) {
          continue;
        }
        boolean same =
            ref.port() instanceof PortRef.Number n
                ? sp.port() == n.port()
                : sp.name().equals(((PortRef.Name) ref.port()).name());
        if (same) {
          port = sp;
          break;
        }
      }
      if (port == null) {
        return new Target(
            Optional.of(ref),
            500,
            List.of(),
            "Service " + ref.service() + " has no TCP port " + ref.port());
      }
      List<ServiceEndpoint> eps = new ArrayList<>();
      for (IpFamily f : IpFamily.values()) {
        eps.addAll(
            ServiceTable.clusterEndpoints(state, svc.get(), port, node, ProxyConfig.DEFAULT, f));
      }
      if (eps.isEmpty()) {
        return new Target(
            Optional.of(ref),
            503,
            List.of(),
            "Service " + ref.service() + " port " + ref.port() + " has no ready endpoint");
      }
      return new Target(Optional.of(ref), 200, eps, "");
    }
  }
}
