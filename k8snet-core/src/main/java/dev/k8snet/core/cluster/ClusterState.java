package dev.k8snet.core.cluster;

import static dev.k8snet.core.internal.Checks.check;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.Service;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable, versioned snapshot of the cluster objects a node needs, with indexes: pods by IP,
 * by namespace and by labels; endpoint slices by service.
 *
 * <pre>{@code
 * ClusterState state = ClusterState.of(1, ManifestReader.create().read(dir).orThrow());
 * Optional<Pod> pod = state.podByIp(IpAddress.parse("10.244.1.7"));
 * List<EndpointSlice> slices = state.endpointSlices("default", "web");
 * ClusterState next = state.with(2, List.of(updatedService), List.of());
 * List<ClusterChange> changes = next.changesSince(state);
 * }</pre>
 *
 * <p>Objects are identified by {@link ObjectRef} (kind, namespace, name); lists are ordered by it.
 * Snapshots are safe to share between threads. Deriving a snapshot ({@link #with}) shares nothing
 * mutable with the original.
 *
 * @since 0.1
 */
public final class ClusterState {
  /** The snapshot with no objects, version 0. */
  public static final ClusterState EMPTY = new ClusterState(0, new TreeMap<>());

  private final long version;
  private final TreeMap<ObjectRef, KubernetesObject> objects;
  private final Map<Class<?>, List<KubernetesObject>> byType = new HashMap<>();
  private final Map<String, List<Pod>> podsByNamespace = new HashMap<>();
  private final Map<String, Map<String, List<Pod>>> podsByNamespaceAndLabel = new HashMap<>();
  private final Map<IpAddress, Pod> podsByIp = new HashMap<>();
  private final Map<ObjectRef, List<EndpointSlice>> slicesByService = new HashMap<>();

  private ClusterState(long version, TreeMap<ObjectRef, KubernetesObject> objects) {
    this.version = version;
    this.objects = objects;
    for (KubernetesObject o : objects.values()) {
      byType.computeIfAbsent(o.getClass(), k -> new ArrayList<>()).add(o);
      if (o instanceof Pod pod) {
        indexPod(pod);
      } else if (o instanceof EndpointSlice slice) {
        slice
            .serviceRef()
            .ifPresent(
                ref -> slicesByService.computeIfAbsent(ref, k -> new ArrayList<>()).add(slice));
      }
    }
  }

  private void indexPod(Pod pod) {
    String ns = pod.metadata().namespace();
    podsByNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).add(pod);
    Map<String, List<Pod>> byLabel =
        podsByNamespaceAndLabel.computeIfAbsent(ns, k -> new HashMap<>());
    pod.metadata()
        .labels()
        .forEach((k, v) -> byLabel.computeIfAbsent(k + "=" + v, x -> new ArrayList<>()).add(pod));
    if (pod.hostNetwork() || isFinished(pod)) {
      return;
    }
    for (IpAddress ip : pod.podIps()) {
      Pod existing = podsByIp.get(ip);
      if (existing == null || (existing.terminating() && !pod.terminating())) {
        podsByIp.put(ip, pod);
      }
    }
  }

  private static boolean isFinished(Pod pod) {
    return pod.phase() == Pod.Phase.SUCCEEDED || pod.phase() == Pod.Phase.FAILED;
  }

  /**
   * Returns a snapshot of {@code objects}. When two objects have the same {@link ObjectRef}, the
   * later one wins.
   *
   * @param version the snapshot's version, at least 1
   * @param objects the objects
   * @return the snapshot
   */
  public static ClusterState of(long version, Collection<? extends KubernetesObject> objects) {
    check(version >= 1, "version", version, "at least 1");
    TreeMap<ObjectRef, KubernetesObject> map = new TreeMap<>();
    for (KubernetesObject o : objects) {
      map.put(o.ref(), o);
    }
    return new ClusterState(version, map);
  }

  /**
   * Returns a snapshot derived from this one: {@code upserts} added or replacing the objects with
   * the same ref, {@code deletions} removed.
   *
   * @param version the new version, greater than this one's
   * @param upserts objects to add or replace
   * @param deletions refs to remove (absent refs are ignored)
   * @return the new snapshot
   */
  public ClusterState with(
      long version,
      Collection<? extends KubernetesObject> upserts,
      Collection<ObjectRef> deletions) {
    check(version > this.version, "version", version, "greater than " + this.version);
    TreeMap<ObjectRef, KubernetesObject> map = new TreeMap<>(objects);
    deletions.forEach(map::remove);
    for (KubernetesObject o : upserts) {
      map.put(o.ref(), o);
    }
    return new ClusterState(version, map);
  }

  /**
   * Returns the version: strictly increasing along the snapshots of one source; 0 for {@link
   * #EMPTY}.
   *
   * @return the version
   */
  public long version() {
    return version;
  }

  /**
   * Returns the number of objects.
   *
   * @return the count
   */
  public int size() {
    return objects.size();
  }

  /**
   * Returns every object, ordered by ref.
   *
   * @return the objects
   */
  public Collection<KubernetesObject> objects() {
    return Collections.unmodifiableCollection(objects.values());
  }

  /**
   * Returns the objects of one model type, ordered by ref.
   *
   * @param type the record type, e.g. {@code Service.class}
   * @param <T> the type
   * @return the objects
   */
  public <T extends KubernetesObject> List<T> all(Class<T> type) {
    List<KubernetesObject> list = byType.getOrDefault(type, List.of());
    List<T> typed = new ArrayList<>(list.size());
    for (KubernetesObject o : list) {
      typed.add(type.cast(o));
    }
    return Collections.unmodifiableList(typed);
  }

  /**
   * Returns the object with {@code ref}.
   *
   * @param ref the ref
   * @return the object, if present
   */
  public Optional<KubernetesObject> get(ObjectRef ref) {
    return Optional.ofNullable(objects.get(ref));
  }

  /**
   * Returns the object of {@code type} with that namespace and name.
   *
   * @param type the record type
   * @param namespace the namespace, {@code ""} for cluster-scoped kinds
   * @param name the name
   * @param <T> the type
   * @return the object, if present
   */
  public <T extends KubernetesObject> Optional<T> get(
      Class<T> type, String namespace, String name) {
    List<KubernetesObject> ofType = byType.getOrDefault(type, List.of());
    return ofType.isEmpty()
        ? Optional.empty()
        : get(type, new ObjectRef(ofType.get(0).kind(), namespace, name));
  }

  private <T extends KubernetesObject> Optional<T> get(Class<T> type, ObjectRef ref) {
    KubernetesObject o = objects.get(ref);
    return type.isInstance(o) ? Optional.of(type.cast(o)) : Optional.empty();
  }

  /**
   * Returns the namespaces.
   *
   * @return the namespaces, by name
   */
  public List<Namespace> namespaces() {
    return all(Namespace.class);
  }

  /**
   * Returns a namespace.
   *
   * @param name its name
   * @return the namespace, if present
   */
  public Optional<Namespace> namespace(String name) {
    return get(Namespace.class, new ObjectRef("Namespace", "", name));
  }

  /**
   * Returns the nodes.
   *
   * @return the nodes, by name
   */
  public List<Node> nodes() {
    return all(Node.class);
  }

  /**
   * Returns a node.
   *
   * @param name its name
   * @return the node, if present
   */
  public Optional<Node> node(String name) {
    return get(Node.class, new ObjectRef("Node", "", name));
  }

  /**
   * Returns all pods.
   *
   * @return the pods, by namespace and name
   */
  public List<Pod> pods() {
    return all(Pod.class);
  }

  /**
   * Returns the pods of a namespace.
   *
   * @param namespace the namespace
   * @return its pods, by name
   */
  public List<Pod> pods(String namespace) {
    return Collections.unmodifiableList(podsByNamespace.getOrDefault(namespace, List.of()));
  }

  /**
   * Returns the pods of a namespace whose labels {@code selector} matches.
   *
   * @param namespace the namespace
   * @param selector the selector; empty selects every pod of the namespace
   * @return the selected pods, by name
   */
  public List<Pod> pods(String namespace, LabelSelector selector) {
    List<Pod> candidates = podsByNamespace.getOrDefault(namespace, List.of());
    Iterator<Map.Entry<String, String>> labels = selector.matchLabels().entrySet().iterator();
    if (labels.hasNext()) {
      Map.Entry<String, String> first = labels.next();
      candidates =
          podsByNamespaceAndLabel
              .getOrDefault(namespace, Map.of())
              .getOrDefault(first.getKey() + "=" + first.getValue(), List.of());
    }
    List<Pod> selected = new ArrayList<>();
    for (Pod p : candidates) {
      if (selector.matches(p.metadata().labels())) {
        selected.add(p);
      }
    }
    return Collections.unmodifiableList(selected);
  }

  /**
   * Returns the pod that has {@code ip} as a pod IP. Host-network pods and pods that have finished
   * ({@code Succeeded}, {@code Failed}) are not found by IP; when several pods claim an IP, a pod
   * that is not terminating wins, then the first by namespace and name.
   *
   * @param ip the address
   * @return the pod, if any
   */
  public Optional<Pod> podByIp(IpAddress ip) {
    return Optional.ofNullable(podsByIp.get(ip));
  }

  /**
   * Returns the services.
   *
   * @return the services, by namespace and name
   */
  public List<Service> services() {
    return all(Service.class);
  }

  /**
   * Returns a service.
   *
   * @param namespace its namespace
   * @param name its name
   * @return the service, if present
   */
  public Optional<Service> service(String namespace, String name) {
    return get(Service.class, new ObjectRef("Service", namespace, name));
  }

  /**
   * Returns the endpoint slices of a service (those labelled {@code
   * kubernetes.io/service-name=NAME} in its namespace), whether or not the service exists.
   *
   * @param namespace the service's namespace
   * @param serviceName the service's name
   * @return the slices, by name
   */
  public List<EndpointSlice> endpointSlices(String namespace, String serviceName) {
    return Collections.unmodifiableList(
        slicesByService.getOrDefault(new ObjectRef("Service", namespace, serviceName), List.of()));
  }

  /**
   * Returns what changed from {@code older} to this snapshot, ordered by ref.
   *
   * @param older an earlier snapshot
   * @return the changes; empty when the snapshots hold equal objects
   */
  public List<ClusterChange> changesSince(ClusterState older) {
    List<ClusterChange> changes = new ArrayList<>();
    Iterator<Map.Entry<ObjectRef, KubernetesObject>> a = older.objects.entrySet().iterator();
    Iterator<Map.Entry<ObjectRef, KubernetesObject>> b = objects.entrySet().iterator();
    Map.Entry<ObjectRef, KubernetesObject> x = a.hasNext() ? a.next() : null;
    Map.Entry<ObjectRef, KubernetesObject> y = b.hasNext() ? b.next() : null;
    while (x != null || y != null) {
      int c = x == null ? 1 : y == null ? -1 : x.getKey().compareTo(y.getKey());
      if (c < 0) {
        changes.add(
            new ClusterChange(
                ClusterChange.Type.DELETED,
                x.getKey(),
                Optional.of(x.getValue()),
                Optional.empty()));
        x = a.hasNext() ? a.next() : null;
      } else if (c > 0) {
        changes.add(
            new ClusterChange(
                ClusterChange.Type.ADDED, y.getKey(), Optional.empty(), Optional.of(y.getValue())));
        y = b.hasNext() ? b.next() : null;
      } else {
        if (!x.getValue().equals(y.getValue())) {
          changes.add(
              new ClusterChange(
                  ClusterChange.Type.MODIFIED,
                  y.getKey(),
                  Optional.of(x.getValue()),
                  Optional.of(y.getValue())));
        }
        x = a.hasNext() ? a.next() : null;
        y = b.hasNext() ? b.next() : null;
      }
    }
    return List.copyOf(changes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusterState s && s.version == version && s.objects.equals(objects);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, objects);
  }

  /** Returns a summary: the version and the number of objects of each kind. */
  @Override
  public String toString() {
    Map<String, Integer> counts = new TreeMap<>();
    objects.keySet().forEach(r -> counts.merge(r.kind(), 1, Integer::sum));
    return "ClusterState{version=" + version + ", " + counts + "}";
  }
}
