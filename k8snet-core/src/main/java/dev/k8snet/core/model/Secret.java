package dev.k8snet.core.model;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Kubernetes Secret (v1): its type and its data, base64-decoded. k8snet uses {@code
 * kubernetes.io/tls} secrets (keys {@value #TLS_CERT_KEY} and {@value #TLS_KEY_KEY}) for Ingress
 * TLS.
 *
 * <p>The data is copied in and out, so a secret is immutable; {@link #toString()} never prints the
 * data.
 *
 * @param metadata the metadata
 * @param type the type (default {@code Opaque})
 * @param data the data by key; each value is a copy
 * @since 0.1
 */
public record Secret(ObjectMeta metadata, String type, Map<String, byte[]> data)
    implements KubernetesObject {
  /** The type of TLS secrets. */
  public static final String TLS_TYPE = "kubernetes.io/tls";

  /** The key of the PEM certificate chain in a TLS secret. */
  public static final String TLS_CERT_KEY = "tls.crt";

  /** The key of the PEM private key in a TLS secret. */
  public static final String TLS_KEY_KEY = "tls.key";

  /**
   * Checks nulls and copies the data.
   *
   * @param metadata the metadata
   * @param type the type (default {@code Opaque})
   * @param data the data by key; each value is a copy
   */
  public Secret {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(type, "type");
    data = copy(data);
  }

  private static Map<String, byte[]> copy(Map<String, byte[]> data) {
    TreeMap<String, byte[]> m = new TreeMap<>();
    data.forEach((k, v) -> m.put(Objects.requireNonNull(k, "key"), v.clone()));
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * Returns a copy of the data.
   *
   * @return the data by key (sorted), each value a fresh copy
   */
  @Override
  public Map<String, byte[]> data() {
    return copy(data);
  }

  /**
   * Returns one value.
   *
   * @param key the key
   * @return a copy of the value, or empty when absent
   */
  public Optional<byte[]> get(String key) {
    byte[] v = data.get(key);
    return v == null ? Optional.empty() : Optional.of(v.clone());
  }

  /** Returns {@code Secret}. */
  @Override
  public String kind() {
    return "Secret";
  }

  /** Compares metadata, type and the data's content. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Secret s)) {
      return false;
    }
    if (!metadata.equals(s.metadata)
        || !type.equals(s.type)
        || !data.keySet().equals(s.data.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : data.entrySet()) {
      if (!Arrays.equals(e.getValue(), s.data.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(metadata, type);
    for (Map.Entry<String, byte[]> e : data.entrySet()) {
      h = 31 * h + e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
    }
    return h;
  }

  /** Names the secret, its type and its keys, never its data. */
  @Override
  public String toString() {
    return "Secret[" + ref() + ", type=" + type + ", keys=" + data.keySet() + "]";
  }
}
