package io.synscope.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InetAddressTextTest {
  @ParameterizedTest
  @CsvSource({
    "00000000000000000000000000000000, ::",
    "00000000000000000000000000000001, ::1",
    "00000000000000000000ffff7f000001, ::ffff:127.0.0.1",
    "0000000000000000000000000a000001, ::10.0.0.1",
    "20010db8000000000001000000000001, 2001:db8::1:0:0:1",
    "20010db8000100010001000100010001, 2001:db8:1:1:1:1:1:1",
    "fe800000000000000000000000000000, fe80::",
    "20010000000100000000000000000000, 2001:0:1::",
  })
  void printsIpv6AsInetNtopDoes(String hex, String expected) throws Exception {
    byte[] a = new byte[16];
    for (int i = 0; i < 16; i++) {
      a[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    assertThat(InetAddressText.format(Inet6Address.getByAddress(null, a, -1))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1", "0.0.0.0", "10.255.0.7"})
  void printsIpv4DottedQuads(String address) throws Exception {
    assertThat(InetAddressText.format(InetAddress.getByName(address))).isEqualTo(address);
  }
}
