package dev.k8snet.core.internal.netlink;

import java.util.Map;

/** ctnetlink constants (linux/netfilter/nfnetlink.h and nfnetlink_conntrack.h). */
public final class Ctnl {
  public static final int NFNL_SUBSYS_CTNETLINK = 1;
  public static final int IPCTNL_MSG_CT_NEW = 0;
  public static final int IPCTNL_MSG_CT_GET = 1;
  public static final int IPCTNL_MSG_CT_DELETE = 2;

  public static final int CTA_TUPLE_ORIG = 1;
  public static final int CTA_TUPLE_REPLY = 2;
  public static final int CTA_STATUS = 3;
  public static final int CTA_TIMEOUT = 7;
  public static final int CTA_MARK = 8;
  public static final int CTA_ID = 12;
  public static final int CTA_ZONE = 18;
  public static final int CTA_FILTER = 25;

  public static final int CTA_TUPLE_IP = 1;
  public static final int CTA_TUPLE_PROTO = 2;
  public static final int CTA_TUPLE_ZONE = 3;

  public static final int CTA_IP_V4_SRC = 1;
  public static final int CTA_IP_V4_DST = 2;
  public static final int CTA_IP_V6_SRC = 3;
  public static final int CTA_IP_V6_DST = 4;

  public static final int CTA_PROTO_NUM = 1;
  public static final int CTA_PROTO_SRC_PORT = 2;
  public static final int CTA_PROTO_DST_PORT = 3;

  public static final int CTA_FILTER_ORIG_FLAGS = 1;
  public static final int CTA_FILTER_REPLY_FLAGS = 2;

  /** Filter flag: match the protocol number of the original tuple. */
  public static final int CTA_FILTER_F_CTA_PROTO_NUM = 1 << 3;

  private static final Map<Integer, String> TOP =
      Map.of(
          CTA_TUPLE_ORIG, "CTA_TUPLE_ORIG",
          CTA_TUPLE_REPLY, "CTA_TUPLE_REPLY",
          CTA_ZONE, "CTA_ZONE",
          CTA_FILTER, "CTA_FILTER");

  private Ctnl() {}

  /** The netlink message type of a ctnetlink message. */
  public static int type(int msg) {
    return (NFNL_SUBSYS_CTNETLINK << 8) | msg;
  }

  /** Names the top-level attribute of an attribute path for error messages. */
  public static String attributeName(int messageType, String path) {
    int slash = path.indexOf('/');
    String first = slash < 0 ? path : path.substring(0, slash);
    try {
      String name = TOP.get(Integer.parseInt(first));
      return name == null ? "attribute " + path : name + (slash < 0 ? "" : path.substring(slash));
    } catch (NumberFormatException e) {
      return "attribute " + path;
    }
  }
}
