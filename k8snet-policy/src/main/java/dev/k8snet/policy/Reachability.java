package dev.k8snet.policy;

import dev.k8snet.core.Protocol;
import java.util.List;
import java.util.Objects;

/**
 * A truth table of verdicts between endpoints for one port and protocol: row = client, column =
 * server, as the Kubernetes e2e network policy suite and cyclonus print it.
 *
 * @since 0.1
 */
public final class Reachability {
  private final List<Endpoint> endpoints;
  private final Protocol protocol;
  private final int port;
  private final Verdict[][] verdicts;

  private Reachability(
      List<Endpoint> endpoints, Protocol protocol, int port, Verdict[][] verdicts) {
    this.endpoints = endpoints;
    this.protocol = protocol;
    this.port = port;
    this.verdicts = verdicts;
  }

  /**
   * Evaluates every ordered pair of endpoints (loopback pairs included).
   *
   * @param engine the engine
   * @param endpoints the clients and servers, in table order
   * @param protocol the protocol
   * @param port the destination port
   * @return the table
   * @throws IllegalArgumentException if an endpoint is unknown or the port is out of range
   */
  public static Reachability of(
      PolicyEngine engine, List<Endpoint> endpoints, Protocol protocol, int port) {
    Objects.requireNonNull(engine, "engine");
    List<Endpoint> list = List.copyOf(endpoints);
    Objects.requireNonNull(protocol, "protocol");
    Verdict[][] v = new Verdict[list.size()][list.size()];
    for (int i = 0; i < list.size(); i++) {
      for (int j = 0; j < list.size(); j++) {
        v[i][j] = engine.check(new Connection(list.get(i), list.get(j), protocol, port));
      }
    }
    return new Reachability(list, protocol, port, v);
  }

  /**
   * Returns the endpoints, in table order.
   *
   * @return the endpoints
   */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /**
   * Returns the protocol.
   *
   * @return the protocol
   */
  public Protocol protocol() {
    return protocol;
  }

  /**
   * Returns the port.
   *
   * @return the destination port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the verdict from one endpoint to another.
   *
   * @param from the row index
   * @param to the column index
   * @return the verdict
   */
  public Verdict verdict(int from, int to) {
    return verdicts[from][to];
  }

  /**
   * Returns the number of allowed pairs.
   *
   * @return how many verdicts allow
   */
  public int allowedCount() {
    int n = 0;
    for (Verdict[] row : verdicts) {
      for (Verdict v : row) {
        n += v.allowed() ? 1 : 0;
      }
    }
    return n;
  }

  /**
   * Returns the table as the e2e suite prints it: a header {@code -} and the servers, then one line
   * per client; {@code .} is allowed, {@code X} denied; tab-separated.
   *
   * @return the table, lines separated by {@code \n}
   */
  public String truthTable() {
    StringBuilder b = new StringBuilder("-");
    for (Endpoint e : endpoints) {
      b.append('\t').append(e);
    }
    for (int i = 0; i < endpoints.size(); i++) {
      b.append('\n').append(endpoints.get(i));
      for (int j = 0; j < endpoints.size(); j++) {
        b.append('\t').append(verdicts[i][j].allowed() ? '.' : 'X');
      }
    }
    return b.toString();
  }

  /** Returns {@link #truthTable()} with a title line. */
  @Override
  public String toString() {
    return "reachability " + port + "/" + protocol + "\n" + truthTable();
  }
}
