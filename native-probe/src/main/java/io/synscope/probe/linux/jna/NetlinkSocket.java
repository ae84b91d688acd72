package io.synscope.probe.linux.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.synscope.probe.NativeCallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A netlink socket (netlink(7)) with its own request and answer buffers: direct, native byte
 * order, allocated once and reused, so that a dump allocates nothing for the I/O. Not thread-safe:
 * the caller serialises use.
 */
public final class NetlinkSocket implements AutoCloseable {
  /** AF_NETLINK (linux/socket.h). */
  private static final int AF_NETLINK = 16;
  /** SOCK_DGRAM (linux/net.h): netlink is datagram oriented, one skb per recv. */
  private static final int SOCK_DGRAM = 2;
  /** SOCK_CLOEXEC (= O_CLOEXEC): not inherited by exec'd children. */
  private static final int SOCK_CLOEXEC = 0x80000;
  /** MSG_TRUNC (linux/socket.h): recv returns the datagram's real length even if it was cut. */
  private static final int MSG_TRUNC = 0x20;
  /** sizeof(struct sockaddr_nl): nl_family u16, nl_pad u16, nl_pid u32, nl_groups u32. */
  private static final int SOCKADDR_NL_SIZE = 12;

  private final String protocolName;
  private final ByteBuffer request;
  private final Pointer requestAddress;
  private final ByteBuffer answer;
  private final Pointer answerAddress;
  private final ByteBuffer kernel;
  private final Pointer kernelAddress;
  private int fd;

  private NetlinkSocket(int fd, String protocolName, int requestCapacity, int answerCapacity) {
    this.fd = fd;
    this.protocolName = protocolName;
    this.request = ByteBuffer.allocateDirect(requestCapacity).order(ByteOrder.nativeOrder());
    this.requestAddress = Native.getDirectBufferPointer(request);
    this.answer = ByteBuffer.allocateDirect(answerCapacity).order(ByteOrder.nativeOrder());
    this.answerAddress = Native.getDirectBufferPointer(answer);
    // The kernel's address: nl_pid 0, no multicast groups.
    this.kernel = ByteBuffer.allocateDirect(SOCKADDR_NL_SIZE).order(ByteOrder.nativeOrder());
    kernel.putShort(0, (short) AF_NETLINK);
    this.kernelAddress = Native.getDirectBufferPointer(kernel);
  }

  /**
   * Opens {@code socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, protocol)}.
   *
   * @param protocolName the protocol's name for error messages, e.g. {@code NETLINK_SOCK_DIAG}
   * @param requestCapacity bytes of the request buffer
   * @param answerCapacity bytes of the answer buffer; a dump never sends a datagram larger than
   *     32 KiB (netlink_dump caps its skb there), so 32 KiB never truncates
   * @throws NativeCallException when the kernel refuses the socket
   */
  public static NetlinkSocket open(
      int protocol, String protocolName, int requestCapacity, int answerCapacity) {
    int fd;
    try {
      fd = LibC.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, protocol);
    } catch (LastErrorException e) {
      throw NativeErrors.of("socket(AF_NETLINK, " + protocolName + ")", e);
    }
    return new NetlinkSocket(fd, protocolName, requestCapacity, answerCapacity);
  }

  /** The file descriptor, or -1 once closed. */
  public int fd() {
    return fd;
  }

  /** The request buffer: write a message from index 0, then {@link #send(int)}. */
  public ByteBuffer requestBuffer() {
    return request;
  }

  /** The answer buffer that {@link #receive()} fills from index 0. */
  public ByteBuffer answerBuffer() {
    return answer;
  }

  /**
   * Sends bytes {@code [0, length)} of the request buffer to the kernel.
   *
   * @throws NativeCallException when sendto(2) fails or sends less than the whole message
   */
  public void send(int length) {
    if (length < 0 || length > request.capacity()) {
      throw new IllegalArgumentException(
          "request of " + length + " bytes does not fit the " + request.capacity() + "-byte buffer");
    }
    while (true) {
      long sent;
      try {
        sent = LibC.sendto(fd, requestAddress, length, 0, kernelAddress, SOCKADDR_NL_SIZE);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == NativeErrors.EINTR) {
          continue;
        }
        throw NativeErrors.of("sendto(" + protocolName + ")", e);
      }
      if (sent != length) {
        throw new NativeCallException(
            "sendto(" + protocolName + ")", 0, "sent " + sent + " of " + length + " bytes");
      }
      return;
    }
  }

  /**
   * Receives one datagram into the answer buffer, retrying when a signal interrupts the call. On
   * return the buffer's position is 0 and its limit the number of bytes received.
   *
   * @return the datagram's full length (recv with MSG_TRUNC), which exceeds the buffer's capacity
   *     when the datagram did not fit and was cut
   * @throws NativeCallException when recv(2) fails (ENOBUFS: the kernel dropped messages)
   */
  public int receive() {
    while (true) {
      long n;
      try {
        n = LibC.recv(fd, answerAddress, answer.capacity(), MSG_TRUNC);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == NativeErrors.EINTR) {
          continue;
        }
        throw NativeErrors.of("recv(" + protocolName + ")", e);
      }
      answer.clear();
      answer.limit((int) Math.min(n, answer.capacity()));
      return (int) n;
    }
  }

  /** Closes the socket; idempotent. */
  @Override
  public void close() {
    int f = fd;
    if (f < 0) {
      return;
    }
    fd = -1;
    try {
      LibC.close(f);
    } catch (LastErrorException e) {
      // close(2) releases the descriptor even when it reports an error: nothing to retry.
    }
  }
}
