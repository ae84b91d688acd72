package io.synscope.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpFamilyTest {

  @Test
  void ipv4BytesGiveAnIpv4Address() {
    InetAddress a = IpFamily.IPV4.address(new byte[] {127, 0, 0, 1}, 3);
    assertThat(a).isInstanceOf(Inet4Address.class);
    assertThat(a.getHostAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void anIpv4MappedAddressStaysIpv6() {
    byte[] b = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
    InetAddress a = IpFamily.IPV6.address(b, -1);
    assertThat(a).isInstanceOf(Inet6Address.class);
    assertThat(InetAddressText.format(a)).isEqualTo("::ffff:127.0.0.1");
    assertThat(((Inet6Address) a).getScopeId()).isZero();
  }

  @Test
  void aScopeIsKeptOnIpv6() {
    byte[] b = new byte[16];
    b[0] = (byte) 0xfe;
    b[1] = (byte) 0x80;
    b[15] = 1;
    Inet6Address a = (Inet6Address) IpFamily.IPV6.address(b, 7);
    assertThat(a.getScopeId()).isEqualTo(7);
    assertThat(InetAddressText.format(a)).isEqualTo("fe80::1");
  }

  @Test
  void aLengthThatDoesNotFitTheFamilyIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IpFamily.IPV6.address(new byte[4], -1))
        .withMessage("IPV6 address of 4 bytes; expected 16");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IpFamily.IPV4.address(new byte[16], -1))
        .withMessage("IPV4 address of 16 bytes; expected 4");
  }
}
