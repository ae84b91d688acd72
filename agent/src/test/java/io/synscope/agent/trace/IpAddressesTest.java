package io.synscope.agent.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpAddressesTest {
  @Test
  void textIsWhatSsPrintsAndComesBackTheSameFromTheCache() throws Exception {
    InetAddress v6 = InetAddress.getByName("2001:db8:0:0:1:0:0:1");
    assertThat(IpAddresses.text(v6)).isEqualTo("2001:db8::1:0:0:1");
    assertThat(IpAddresses.text(InetAddress.getByName("2001:db8::1:0:0:1")))
        .isEqualTo("2001:db8::1:0:0:1");
    assertThat(IpAddresses.text(InetAddress.getByName("10.1.2.3"))).isEqualTo("10.1.2.3");
  }

  @Test
  void addressesThatShareASlotKeepTheirOwnText() throws Exception {
    // Same low 16 bits after folding: 10.0.0.1 and 10.1.0.0 fold to the same slot.
    InetAddress a = InetAddress.getByName("10.0.0.1");
    InetAddress b = InetAddress.getByName("10.1.0.0");
    for (int i = 0; i < 3; i++) {
      assertThat(IpAddresses.text(a)).isEqualTo("10.0.0.1");
      assertThat(IpAddresses.text(b)).isEqualTo("10.1.0.0");
    }
  }
}
