package dev.k8snet.core.internal.netlink;

/** Netlink constants shared by the codec, the socket and rtnetlink (from linux/netlink.h). */
public final class Nl {
  public static final int NETLINK_ROUTE = 0;
  public static final int NETLINK_NETFILTER = 12;
  public static final int SOL_NETLINK = 270;
  public static final int NETLINK_ADD_MEMBERSHIP = 1;
  public static final int NETLINK_CAP_ACK = 10;
  public static final int NETLINK_EXT_ACK = 11;
  public static final int NETLINK_GET_STRICT_CHK = 12;

  public static final int HDRLEN = 16;
  public static final int NLA_HDRLEN = 4;

  public static final int NLMSG_NOOP = 1;
  public static final int NLMSG_ERROR = 2;
  public static final int NLMSG_DONE = 3;
  public static final int NLMSG_OVERRUN = 4;

  public static final int NLM_F_REQUEST = 0x1;
  public static final int NLM_F_MULTI = 0x2;
  public static final int NLM_F_ACK = 0x4;
  public static final int NLM_F_DUMP_INTR = 0x10;
  public static final int NLM_F_DUMP = 0x300;
  public static final int NLM_F_REPLACE = 0x100;
  public static final int NLM_F_EXCL = 0x200;
  public static final int NLM_F_CREATE = 0x400;
  public static final int NLM_F_APPEND = 0x800;
  public static final int NLM_F_CAPPED = 0x100;
  public static final int NLM_F_ACK_TLVS = 0x200;

  public static final int NLMSGERR_ATTR_MSG = 1;
  public static final int NLMSGERR_ATTR_OFFS = 2;

  public static final int NLA_F_NESTED = 0x8000;
  public static final int NLA_F_NET_BYTEORDER = 0x4000;
  public static final int NLA_TYPE_MASK = 0x3fff;

  private Nl() {}

  /** Rounds {@code len} up to the next multiple of 4. */
  public static int align(int len) {
    return (len + 3) & ~3;
  }
}
