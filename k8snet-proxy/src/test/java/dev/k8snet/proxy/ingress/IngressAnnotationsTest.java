package dev.k8snet.proxy.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.k8snet.core.Cidr;
import dev.k8snet.proxy.ingress.IngressAnnotations.BackendProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IngressAnnotationsTest {
  @Test
  void noAnnotationsGiveTheDefaults() {
    assertEquals(IngressAnnotations.DEFAULT, IngressAnnotations.parse(Map.of()));
    assertEquals(OptionalLong.of(1048576), IngressAnnotations.DEFAULT.maxBodySize());
  }

  @Test
  void ingressNginxNamesAreAliasesAndOursWin() {
    IngressAnnotations a =
        IngressAnnotations.parse(
            Map.of(
                "nginx.ingress.kubernetes.io/proxy-body-size", "8k",
                "nginx.ingress.kubernetes.io/backend-protocol", "https",
                "ingress.k8snet.io/backend-protocol", "GRPC",
                "nginx.ingress.kubernetes.io/proxy-read-timeout", "3600",
                "nginx.ingress.kubernetes.io/affinity", "cookie",
                "nginx.ingress.kubernetes.io/whitelist-source-range", "10.0.0.0/8,fd00::/8"));
    assertEquals(OptionalLong.of(8192), a.maxBodySize());
    assertEquals(BackendProtocol.GRPC, a.backendProtocol());
    assertEquals(Duration.ofHours(1), a.readTimeout());
    assertEquals(Optional.of("INGRESSCOOKIE"), a.affinityCookie());
    assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")), a.sourceRanges());
  }

  @Test
  void aBodySizeOfZeroIsUnlimited() {
    assertEquals(
        OptionalLong.empty(),
        IngressAnnotations.parse(Map.of("ingress.k8snet.io/proxy-body-size", "0")).maxBodySize());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "proxy-body-size|1x|annotation ingress.k8snet.io/proxy-body-size: \"1x\" (expected: a size"
            + " such as 1048576, 8k, 1m or 0 for unlimited)",
        "ssl-redirect|yes|annotation ingress.k8snet.io/ssl-redirect: \"yes\" (expected: true or"
            + " false)",
        "rewrite-target|/$2|annotation ingress.k8snet.io/rewrite-target: \"/$2\" (expected: an"
            + " absolute path without '$' (k8snet does not use regexes))",
        "proxy-read-timeout|1m|annotation ingress.k8snet.io/proxy-read-timeout: \"1m\" (expected:"
            + " whole seconds such as 60 or 60s)",
        "backend-protocol|FCGI|annotation ingress.k8snet.io/backend-protocol: \"FCGI\" (expected:"
            + " HTTP, HTTPS, GRPC, GRPCS or H2C)",
        "whitelist-source-range|10.0.0.0/8;x|annotation ingress.k8snet.io/whitelist-source-range:"
            + " \"10.0.0.0/8;x\" (expected: comma-separated CIDRs such as"
            + " 10.0.0.0/8,192.168.1.7/32)",
        "canary-weight|101|annotation ingress.k8snet.io/canary-weight: \"101\" (expected: at most"
            + " canary-weight-total (100))",
      })
  void badValuesAreRejectedNamingTheAnnotationAndTheValue(
      String name, String value, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> IngressAnnotations.parse(Map.of("ingress.k8snet.io/" + name, value)));
    assertEquals(message, e.getMessage());
  }
}
