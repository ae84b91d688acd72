package io.synscope.probe.linux;

import io.synscope.probe.MalformedDataException;
import io.synscope.probe.linux.jna.SocketOptionReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The local address of a socket this process holds, by {@code getsockname(2)}: one call for the
 * address and the port, where {@code java.net.Socket.getLocalSocketAddress()} makes two.
 */
public final class SocketNames {
  /** AF_INET and AF_INET6 (socket.h). */
  private static final int AF_INET = 2;

  private static final int AF_INET6 = 10;

  /** sizeof(struct sockaddr_in) and sizeof(struct sockaddr_in6) (netinet/in.h). */
  private static final int SOCKADDR_IN = 16;

  private static final int SOCKADDR_IN6 = 28;

  private SocketNames() {}

  /**
   * The socket's local address and port. An IPv4-mapped IPv6 address comes back as the IPv4
   * address, as the JDK gives it.
   *
   * @param fd an IPv4 or IPv6 socket's file descriptor
   * @throws io.synscope.probe.NativeCallException named {@code getsockname} when the call fails
   * @throws MalformedDataException for an address of another family (a Unix-domain socket)
   */
  public static InetSocketAddress local(int fd) {
    SocketOptionReader reader = SocketReaders.acquire();
    try {
      return decode(reader.readName(fd));
    } finally {
      SocketReaders.release(reader);
    }
  }

  /** Decodes a {@code struct sockaddr_in} or {@code sockaddr_in6}. */
  static InetSocketAddress decode(ByteBuffer sockaddr) {
    ByteBuffer b = sockaddr.duplicate().order(ByteOrder.nativeOrder());
    if (b.remaining() < 2) {
      throw new MalformedDataException(
          "getsockname: " + b.remaining() + " bytes, too short for the address family");
    }
    int family = Short.toUnsignedInt(b.getShort(0)); // sa_family_t, host order
    int addressOffset;
    int addressLength;
    int needed;
    if (family == AF_INET) {
      addressOffset = 4;
      addressLength = 4;
      needed = SOCKADDR_IN;
    } else if (family == AF_INET6) {
      addressOffset = 8;
      addressLength = 16;
      needed = SOCKADDR_IN6;
    } else {
      throw new MalformedDataException(
          "getsockname: address family " + family + " is neither AF_INET nor AF_INET6");
    }
    if (b.remaining() < needed) {
      throw new MalformedDataException(
          "getsockname: " + b.remaining() + " bytes for address family " + family + ", expected "
              + needed);
    }
    int port = Short.toUnsignedInt(b.order(ByteOrder.BIG_ENDIAN).getShort(2)); // network order
    byte[] address = new byte[addressLength];
    b.get(addressOffset, address);
    try {
      return new InetSocketAddress(InetAddress.getByAddress(address), port);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }
}
