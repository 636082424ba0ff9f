package dev.k8snet.cni;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CNI specification version, e.g. {@code 1.1.0}. Immutable; text form round-trips through {@link
 * #parse(String)}.
 *
 * @param major the major version
 * @param minor the minor version
 * @param patch the patch version
 * @since 0.1
 */
public record CniVersion(int major, int minor, int patch) implements Comparable<CniVersion> {
  private static final Pattern TEXT = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})");

  /** 0.1.0: the first version; legacy {@code ip4}/{@code ip6} results. */
  public static final CniVersion V0_1_0 = new CniVersion(0, 1, 0);

  /** 0.2.0: adds the VERSION verb. */
  public static final CniVersion V0_2_0 = new CniVersion(0, 2, 0);

  /** 0.3.0: rich results ({@code interfaces}, {@code ips}) and chaining. */
  public static final CniVersion V0_3_0 = new CniVersion(0, 3, 0);

  /** 0.3.1. */
  public static final CniVersion V0_3_1 = new CniVersion(0, 3, 1);

  /** 0.4.0: adds CHECK and {@code prevResult} on DEL. */
  public static final CniVersion V0_4_0 = new CniVersion(0, 4, 0);

  /** 1.0.0: drops {@code version} from {@code ips[]} and single-plugin configs. */
  public static final CniVersion V1_0_0 = new CniVersion(1, 0, 0);

  /** 1.1.0: adds GC and STATUS, {@code cniVersions}, route and interface attributes. */
  public static final CniVersion V1_1_0 = new CniVersion(1, 1, 0);

  /** The newest version this library speaks. */
  public static final CniVersion CURRENT = V1_1_0;

  /** Every released version, oldest first. */
  public static final List<CniVersion> ALL =
      List.of(V0_1_0, V0_2_0, V0_3_0, V0_3_1, V0_4_0, V1_0_0, V1_1_0);

  /**
   * Validates the components.
   *
   * @param major the major version
   * @param minor the minor version
   * @param patch the patch version
   */
  public CniVersion {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException(
          "version: " + major + "." + minor + "." + patch + " (expected: non-negative numbers)");
    }
  }

  /**
   * Parses {@code major.minor.patch}.
   *
   * @param text the version text, e.g. {@code 1.0.0}
   * @return the version
   * @throws IllegalArgumentException when the text is not of that form
   */
  public static CniVersion parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "cniVersion: " + text + " (expected: major.minor.patch, e.g. 1.0.0)");
    }
    return new CniVersion(
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
  }

  /**
   * Whether this version is one of the released versions in {@link #ALL}.
   *
   * @return whether {@link #ALL} contains this version
   */
  public boolean isKnown() {
    return ALL.contains(this);
  }

  /**
   * Whether results of this version use the legacy {@code ip4}/{@code ip6} shape (before 0.3.0).
   *
   * @return whether this version is before 0.3.0
   */
  public boolean isLegacy() {
    return compareTo(V0_3_0) < 0;
  }

  /**
   * Whether this version is at least {@code other}.
   *
   * @param other the version to compare with
   * @return whether this version is equal to or newer than {@code other}
   */
  public boolean atLeast(CniVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(CniVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
