package dev.k8snet.proxy.ingress.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertificatesTest {
  @Test
  void tlsRunsOnBoringSslWhenNettyTcnativeIsOnTheClassPath() throws Exception {
    assertTrue(
        OpenSsl.isAvailable(),
        () -> "netty-tcnative did not load: " + OpenSsl.unavailabilityCause());
    SslContext fallback =
        new Certificates(null, true).mapping(Map.of(), new ArrayList<>()).fallback();
    assertTrue(fallback instanceof OpenSslContext, fallback.getClass().getName());
  }
}
