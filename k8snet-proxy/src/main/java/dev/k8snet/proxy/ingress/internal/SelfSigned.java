package dev.k8snet.proxy.ingress.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * A self-signed RSA certificate (X.509 v3, SHA256withRSA, CN only), encoded by hand so that no
 * extra library is needed: the default certificate for TLS clients whose server name has none.
 */
public final class SelfSigned {
  private static final byte[] SHA256_WITH_RSA = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x0b,
    0x05,
    0x00
  };
  private static final byte[] CN_OID = {0x06, 0x03, 0x55, 0x04, 0x03};
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  /** PEM texts of a certificate and its PKCS#8 key. */
  public record Pem(String certificate, String privateKey) {}

  private SelfSigned() {}

  /** Creates a certificate for {@code cn}, valid from one hour ago for {@code days}. */
  public static Pem create(String cn, Instant now, int days) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, new SecureRandom());
    KeyPair kp = g.generateKeyPair();
    byte[] name = seq(set(seq(cat(CN_OID, tlv(0x0c, cn.getBytes(StandardCharsets.UTF_8))))));
    byte[] serial =
        tlv(0x02, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE).toByteArray());
    byte[] validity =
        seq(
            cat(
                tlv(
                    0x17,
                    UTC_TIME.format(now.minusSeconds(3600)).getBytes(StandardCharsets.US_ASCII)),
                tlv(
                    0x17,
                    UTC_TIME
                        .format(now.plusSeconds(86400L * days))
                        .getBytes(StandardCharsets.US_ASCII))));
    byte[] version = tlv(0xa0, tlv(0x02, new byte[] {2}));
    byte[] tbs =
        seq(
            cat(
                version,
                serial,
                SHA256_WITH_RSA,
                name,
                validity,
                name,
                kp.getPublic().getEncoded()));
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(kp.getPrivate());
    s.update(tbs);
    byte[] sig = s.sign();
    byte[] bits = new byte[sig.length + 1];
    System.arraycopy(sig, 0, bits, 1, sig.length);
    byte[] cert = seq(cat(tbs, SHA256_WITH_RSA, tlv(0x03, bits)));
    return new Pem(pem("CERTIFICATE", cert), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] seq(byte[] content) {
    return tlv(0x30, content);
  }

  private static byte[] set(byte[] content) {
    return tlv(0x31, content);
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** DER tag-length-value. */
  static byte[] tlv(int tag, byte[] content) {
    int n = content.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
