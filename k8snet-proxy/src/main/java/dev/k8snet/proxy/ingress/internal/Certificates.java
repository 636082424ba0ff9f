package dev.k8snet.proxy.ingress.internal;

import dev.k8snet.core.model.Secret;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Server TLS contexts built from {@code kubernetes.io/tls} Secrets, with ALPN (h2, http/1.1), and
 * the host-to-context mapping the SNI handler reads. Contexts are cached by Secret content, so a
 * table swap rebuilds only what changed; a Secret that does not parse is reported and its hosts use
 * the default certificate.
 */
public final class Certificates {
  /** One immutable SNI mapping. */
  public record Mapping(Map<String, SslContext> byHost, SslContext fallback) {
    /** The context for a server name: exact, then one-label wildcard, then the default. */
    public SslContext select(String serverName) {
      if (serverName == null) {
        return fallback;
      }
      String h = RouteTable.normalizeHost(serverName);
      SslContext c = byHost.get(h);
      if (c == null) {
        int dot = h.indexOf('.');
        if (dot > 0) {
          c = byHost.get("*" + h.substring(dot));
        }
      }
      return c == null ? fallback : c;
    }
  }

  private final boolean http2;
  private final Secret defaultCertificate;
  private SslContext fallback;
  private Map<Secret, SslContext> cache = new HashMap<>();

  /**
   * @param defaultCertificate the default certificate's Secret, or null for a generated self-signed
   *     one
   */
  public Certificates(Secret defaultCertificate, boolean http2) throws SSLException {
    this.http2 = http2;
    this.defaultCertificate = defaultCertificate;
    if (defaultCertificate != null) {
      this.fallback = context(defaultCertificate);
    }
  }

  /** The default context: the given certificate, or a self-signed one made on first use. */
  private synchronized SslContext fallback() {
    if (fallback == null) {
      try {
        fallback = defaultCertificate != null ? context(defaultCertificate) : selfSigned();
      } catch (SSLException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    return fallback;
  }

  /** The fake default certificate, as ingress-nginx's. */
  private SslContext selfSigned() throws SSLException {
    try {
      SelfSigned.Pem p = SelfSigned.create("k8snet-ingress-default", Instant.now(), 365);
      return builder(
          SslContextBuilder.forServer(
              new ByteArrayInputStream(p.certificate().getBytes(StandardCharsets.US_ASCII)),
              new ByteArrayInputStream(p.privateKey().getBytes(StandardCharsets.US_ASCII))));
    } catch (GeneralSecurityException e) {
      throw new SSLException("cannot create the default certificate: " + e.getMessage(), e);
    }
  }

  /** OpenSSL (BoringSSL) when netty-tcnative is on the class path, else the JDK provider. */
  private SslContext builder(SslContextBuilder b) throws SSLException {
    b.sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    if (http2) {
      b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_2,
                  ApplicationProtocolNames.HTTP_1_1));
    }
    return b.build();
  }

  /** Builds a context from a TLS Secret's PEM chain and key (PKCS#8, or PKCS#1 RSA). */
  public SslContext context(Secret s) throws SSLException {
    byte[] crt = s.get(Secret.TLS_CERT_KEY).orElse(new byte[0]);
    byte[] key = s.get(Secret.TLS_KEY_KEY).orElse(new byte[0]);
    try {
      return builder(
          SslContextBuilder.forServer(
              new ByteArrayInputStream(crt), new ByteArrayInputStream(pkcs8(key))));
    } catch (IllegalArgumentException | SSLException e) {
      throw new SSLException(e.getMessage(), e);
    }
  }

  /**
   * Builds the mapping for a table: one context per distinct Secret, reusing the previous ones.
   *
   * @param problems receives one sentence per Secret that does not parse
   */
  public synchronized Mapping mapping(Map<String, Secret> byHost, List<String> problems) {
    Map<Secret, SslContext> next = new HashMap<>();
    Map<String, SslContext> hosts = new HashMap<>();
    List<Secret> bad = new ArrayList<>();
    for (Map.Entry<String, Secret> e : byHost.entrySet()) {
      Secret s = e.getValue();
      SslContext c = next.get(s);
      if (c == null && !bad.contains(s)) {
        c = cache.get(s);
        if (c == null) {
          try {
            c = context(s);
          } catch (SSLException ex) {
            bad.add(s);
            problems.add(
                "Secret "
                    + s.metadata().namespace()
                    + "/"
                    + s.metadata().name()
                    + ": tls.crt/tls.key do not hold a PEM certificate chain and key ("
                    + ex.getMessage()
                    + "); its hosts get the default certificate");
          }
        }
        if (c != null) {
          next.put(s, c);
        }
      }
      if (c != null) {
        hosts.put(e.getKey(), c);
      }
    }
    cache = next;
    return new Mapping(hosts, fallback());
  }

  /** Rewrites a PKCS#1 {@code RSA PRIVATE KEY} PEM as PKCS#8, which the JDK reads. */
  static byte[] pkcs8(byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN RSA PRIVATE KEY-----";
    String end = "-----END RSA PRIVATE KEY-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      return pem;
    }
    byte[] pkcs1 = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    // PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier rsaEncryption NULL, OCTET
    // STRING pkcs1 }
    byte[] algorithm = {
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
      0x01,
      0x05,
      0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = SelfSigned.tlv(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    String out =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(SelfSigned.tlv(0x30, body))
            + "\n-----END PRIVATE KEY-----\n";
    return out.getBytes(StandardCharsets.US_ASCII);
  }
}
