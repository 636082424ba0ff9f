package dev.k8snet.proxy.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ForwardedHeaderTest {
  @Test
  void fieldNamesAreMatchedInAnyCase() {
    assertEquals(ForwardedHeader.X_FORWARDED_FOR, ForwardedHeader.ofFieldName("x-forwarded-for"));
    assertEquals(ForwardedHeader.FORWARDED, ForwardedHeader.ofFieldName(" FORWARDED "));
    assertEquals("X-Forwarded-Port", ForwardedHeader.X_FORWARDED_PORT.fieldName());
  }

  @Test
  void anUnknownNameIsRejectedNamingItAndTheChoices() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ForwardedHeader.ofFieldName("X-Real-IP"));
    assertEquals(
        "not a forwarding field: \"X-Real-IP\" (expected one of x-forwarded-for,"
            + " x-forwarded-proto, x-forwarded-host, x-forwarded-port, forwarded)",
        e.getMessage());
  }
}
