package io.synscope.probe.linux.foreign;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.synscope.probe.testing.TcpSockets;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which JVMs get the foreign getsockopt, and the downcall itself against a real socket. The probe's
 * tcp_info tests ({@code TcpInfoSockoptTest}) go through it wherever it is available.
 */
class ForeignGetsockoptTest {
  private static final int IPPROTO_TCP = 6;
  private static final int TCP_INFO = 11;
  private static final int TCP_ESTABLISHED = 1;

  /** The option's value, and the socklen_t that says its capacity and then its length. */
  private final ByteBuffer value = ByteBuffer.allocateDirect(512).order(ByteOrder.nativeOrder());

  private final ByteBuffer length = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());

  @BeforeEach
  void capacity() {
    length.putInt(0, value.capacity());
  }

  @Test
  void availableFromJdk24OnAndNotBeforeJdk22() {
    int feature = Runtime.version().feature();
    if (feature >= 24) {
      assertThat(ForeignGetsockopt.unavailabilityCause()).isNull();
      assertThat(ForeignGetsockopt.handle()).isNotNull();
    } else if (feature < 22) {
      assertThat(ForeignGetsockopt.handle()).isNull();
      assertThat(ForeignGetsockopt.unavailabilityCause())
          .isEqualTo("JDK " + feature + " has no final foreign function API");
    }
  }

  @Test
  void theDowncallReadsAConnectedSocketsTcpInfo() throws Throwable {
    MethodHandle getsockopt = ForeignGetsockopt.handle();
    Assumptions.assumeTrue(getsockopt != null, ForeignGetsockopt::unavailabilityCause);
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      TcpSockets.Connection c = sockets.established(sockets.listen(4));

      int result =
          (int)
              getsockopt.invokeExact(
                  TcpSockets.fd(c.client()),
                  IPPROTO_TCP,
                  TCP_INFO,
                  address(value),
                  address(length));

      assertThat(result).isZero();
      // struct tcp_info (linux/tcp.h): tcpi_state is its first byte; the kernel fills up to
      // the capacity it was given, at least the 104 bytes every kernel since 2.6 has.
      assertThat(value.get(0)).isEqualTo((byte) TCP_ESTABLISHED);
      assertThat(length.getInt(0)).isBetween(104, value.capacity());
    }
  }

  @Test
  void aFailedDowncallReturnsMinusOne() throws Throwable {
    MethodHandle getsockopt = ForeignGetsockopt.handle();
    Assumptions.assumeTrue(getsockopt != null, ForeignGetsockopt::unavailabilityCause);

    int result =
        (int) getsockopt.invokeExact(-1, IPPROTO_TCP, TCP_INFO, address(value), address(length));

    assertThat(result).isEqualTo(-1);
  }

  private static long address(ByteBuffer direct) {
    return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
  }
}
