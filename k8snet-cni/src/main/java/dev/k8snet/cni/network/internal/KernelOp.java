package dev.k8snet.cni.network.internal;

import dev.k8snet.cni.network.internal.KernelState.FdbEntry;
import dev.k8snet.cni.network.internal.KernelState.NeighEntry;
import dev.k8snet.cni.network.internal.KernelState.RouteEntry;

/** One netlink write the diff asks for. */
public sealed interface KernelOp {
  /** Replace (create or overwrite) a route. */
  record ReplaceRoute(RouteEntry route) implements KernelOp {}

  /** Delete a route. */
  record DeleteRoute(RouteEntry route) implements KernelOp {}

  /** Replace a neighbour. */
  record ReplaceNeigh(NeighEntry neighbour) implements KernelOp {}

  /** Delete a neighbour. */
  record DeleteNeigh(NeighEntry neighbour) implements KernelOp {}

  /** Replace an FDB entry. */
  record ReplaceFdb(FdbEntry fdb) implements KernelOp {}

  /** Delete an FDB entry. */
  record DeleteFdb(FdbEntry fdb) implements KernelOp {}
}
