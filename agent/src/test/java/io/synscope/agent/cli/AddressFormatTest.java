package io.synscope.agent.cli;

import static io.synscope.probe.testing.SocketRecords.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.probe.InetAddressText;
import io.synscope.probe.IpFamily;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressFormatTest {

  /** Expected values as glibc's inet_ntop(3) prints them (checked with ss and python's socket). */
  @ParameterizedTest
  @CsvSource({
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "fe80:0:0:0:0:0:0:1, fe80::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:0DB8:0:0:0:0:0:ABCD, 2001:db8::abcd",
    "0:0:1:0:0:0:0:1, 0:0:1::1",
    "::102:304, ::1.2.3.4",
    "1:0:0:0:0:0:0:0, 1::",
  })
  void ipv6TextIsTheCompressedFormOfInetNtop(String in, String expected) throws Exception {
    byte[] b = ip(in).getAddress();
    assertThat(InetAddressText.format(java.net.Inet6Address.getByAddress(null, b, -1)))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    // family, address, the socket's local address, cell
    "IPV4, 0.0.0.0, 0.0.0.0, 0.0.0.0",
    "IPV4, 127.0.0.1, 127.0.0.1, 127.0.0.1",
    "IPV6, ::1, ::1, [::1]",
    "IPV6, ::, ::1, [::]",
    "IPV6, ::, ::, *",
    // a socket bound to an IPv4-mapped address takes IPv4: ss shows its wildcard peer as *
    "IPV6, ::, ::ffff:127.0.0.1, *",
    // the JDK turns ::ffff:127.0.0.1 into an Inet4Address; ss shows it mapped, in brackets
    "IPV6, ::ffff:127.0.0.1, ::ffff:127.0.0.1, [::ffff:127.0.0.1]",
  })
  void tableCellsAreWhatSsPrints(IpFamily family, String address, String local, String cell) {
    assertThat(AddressFormat.cell(family, ip(address), ip(local))).isEqualTo(cell);
  }

  @org.junit.jupiter.api.Test
  void aMappedAddressAsInet6AddressIsTreatedLikeTheJdksInet4Address() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
    java.net.Inet6Address six = java.net.Inet6Address.getByAddress(null, mapped, -1);
    assertThat(AddressFormat.cell(IpFamily.IPV6, six, six)).isEqualTo("[::ffff:127.0.0.1]");
    assertThat(AddressFormat.cell(IpFamily.IPV6, ip("::"), six)).isEqualTo("*");
    assertThat(AddressFormat.plain(IpFamily.IPV6, six)).isEqualTo("::ffff:127.0.0.1");
  }

  @ParameterizedTest
  @CsvSource({"IPV4, 10.1.2.3, 10.1.2.3", "IPV6, ::ffff:10.1.2.3, ::ffff:10.1.2.3", "IPV6, ::, ::"})
  void jsonAddressesHaveNoBrackets(IpFamily family, String address, String plain) {
    assertThat(AddressFormat.plain(family, ip(address))).isEqualTo(plain);
  }
}
