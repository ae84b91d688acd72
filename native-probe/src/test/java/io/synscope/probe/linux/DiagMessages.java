package io.synscope.probe.linux;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Builds netlink answers byte by byte, as the kernel lays them out, for decoder tests. */
final class DiagMessages {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Appends raw bytes (for malformed input). */
  DiagMessages raw(byte[] bytes) {
    out.write(bytes, 0, bytes.length);
    return this;
  }

  /** Appends a message: nlmsghdr with the given length field, then the payload, then padding. */
  DiagMessages message(int nlmsgLen, int type, int seq, byte[] payload) {
    ByteBuffer b = le(Netlink.align(Netlink.HEADER_SIZE + payload.length));
    b.putInt(nlmsgLen).putShort((short) type).putShort((short) 2).putInt(seq).putInt(4242);
    b.put(payload);
    return raw(b.array());
  }

  DiagMessages message(int type, int seq, byte[] payload) {
    return message(Netlink.HEADER_SIZE + payload.length, type, seq, payload);
  }

  DiagMessages socket(int seq, Socket s) {
    return message(InetDiag.SOCK_DIAG_BY_FAMILY, seq, s.bytes());
  }

  DiagMessages done(int seq, int error) {
    return message(Netlink.NLMSG_DONE, seq, le(4).putInt(error).array());
  }

  DiagMessages error(int seq, int error) {
    ByteBuffer b = le(4 + Netlink.HEADER_SIZE).putInt(error);
    b.putInt(72).putShort((short) InetDiag.SOCK_DIAG_BY_FAMILY).putShort((short) 0x301);
    b.putInt(seq).putInt(0);
    return message(Netlink.NLMSG_ERROR, seq, b.array());
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** The messages in a native-order buffer, as the probe receives them. */
  ByteBuffer buffer() {
    byte[] bytes = bytes();
    return ByteBuffer.allocate(bytes.length).order(ByteOrder.nativeOrder()).put(bytes).flip();
  }

  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
  }

  /** struct inet_diag_msg and its attributes; every field settable. */
  static final class Socket {
    int family = InetDiag.AF_INET;
    int state = 1;
    int timer;
    int retrans;
    int sport = 40000;
    int dport = 8080;
    byte[] src = {127, 0, 0, 1};
    byte[] dst = {127, 0, 0, 2};
    int ifIndex;
    long cookie = 0x1234_5678_9abcL;
    int expires;
    int rqueue;
    int wqueue;
    int uid = 1000;
    int inode = 12345;
    final List<byte[]> attributes = new ArrayList<>();

    Socket attribute(int type, byte[] payload) {
      return attribute(4 + payload.length, type, payload);
    }

    /** An attribute whose rta_len field may lie about its payload. */
    Socket attribute(int rtaLen, int type, byte[] payload) {
      ByteBuffer b = le(Netlink.align(4 + payload.length));
      b.putShort((short) rtaLen).putShort((short) type).put(payload);
      attributes.add(b.array());
      return this;
    }

    byte[] bytes() {
      ByteBuffer b = le(InetDiag.MSG_SIZE);
      b.put((byte) family).put((byte) state).put((byte) timer).put((byte) retrans);
      b.put((byte) (sport >> 8)).put((byte) sport).put((byte) (dport >> 8)).put((byte) dport);
      b.put(src).position(InetDiag.MSG_DST).put(dst).position(InetDiag.MSG_IF);
      b.putInt(ifIndex).putInt((int) cookie).putInt((int) (cookie >>> 32));
      b.putInt(expires).putInt(rqueue).putInt(wqueue).putInt(uid).putInt(inode);
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      o.write(b.array(), 0, b.capacity());
      for (byte[] a : attributes) {
        o.write(a, 0, a.length);
      }
      return o.toByteArray();
    }
  }
}
