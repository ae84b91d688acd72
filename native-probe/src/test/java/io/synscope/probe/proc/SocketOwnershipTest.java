package io.synscope.probe.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synscope.probe.MalformedDataException;
import io.synscope.probe.ProbeException;
import io.synscope.probe.testing.Mutations;
import io.synscope.probe.testing.Ss;
import io.synscope.probe.testing.TcpSockets;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SocketOwnershipTest {

  @Test
  void parsesSocketLinks() {
    assertThat(SocketOwnership.parseSocketInode("socket:[12345]")).isEqualTo(12345);
    assertThat(SocketOwnership.parseSocketInode("socket:[0]")).isZero();
    assertThat(SocketOwnership.parseSocketInode("socket:[999999999999999999]"))
        .isEqualTo(999_999_999_999_999_999L);
  }

  @Test
  void otherLinksAreNotSockets() {
    assertThat(SocketOwnership.parseSocketInode("pipe:[4242]")).isEqualTo(-1);
    assertThat(SocketOwnership.parseSocketInode("anon_inode:[eventpoll]")).isEqualTo(-1);
    assertThat(SocketOwnership.parseSocketInode("anon_inode:inotify")).isEqualTo(-1);
    assertThat(SocketOwnership.parseSocketInode("/dev/null")).isEqualTo(-1);
    assertThat(SocketOwnership.parseSocketInode("/run/app/socket:[1]")).isEqualTo(-1);
    assertThat(SocketOwnership.parseSocketInode("")).isEqualTo(-1);
  }

  @Test
  void brokenSocketLinksAreMalformed() {
    for (String bad :
        List.of("socket:[", "socket:[]", "socket:[12a]", "socket:[12", "socket:[-1]",
            "socket:[1234567890123456789]", "socket:[ 1]")) {
      assertThatThrownBy(() -> SocketOwnership.parseSocketInode(bad))
          .as(bad)
          .isInstanceOf(MalformedDataException.class)
          .hasMessage("fd link '" + bad + "' is not socket:[inode] with a decimal inode");
    }
  }

  @Test
  void garbageLinksOnlyEverFailAsMalformed() {
    Random random = new Random(99L);
    for (int i = 0; i < 20_000; i++) {
      String text = Mutations.mutate("socket:[" + random.nextInt(Integer.MAX_VALUE) + "]", random);
      try {
        long inode = SocketOwnership.parseSocketInode(text);
        assertThat(inode).isGreaterThanOrEqualTo(-1);
      } catch (MalformedDataException expected) {
        assertThat(expected.getMessage()).startsWith("fd link '");
      }
    }
  }

  @Test
  void parsesProcEntryNames() {
    assertThat(SocketOwnership.parsePid("1")).isEqualTo(1);
    assertThat(SocketOwnership.parsePid("4194304")).isEqualTo(4_194_304);
    assertThat(SocketOwnership.parsePid("self")).isEqualTo(-1);
    assertThat(SocketOwnership.parsePid("net")).isEqualTo(-1);
    assertThat(SocketOwnership.parsePid("")).isEqualTo(-1);
  }

  @Test
  void unknownProcessIsAnError() {
    assertThatThrownBy(() -> SocketOwnership.socketInodes(Long.MAX_VALUE))
        .isInstanceOf(ProbeException.class)
        .hasMessageStartingWith("cannot read /proc/" + Long.MAX_VALUE + "/fd");
  }

  @Test
  void liveSocketsOfThisProcessAreFoundWithTheInodesSsReports() throws Exception {
    assumeTrue(Ss.hasTool("ss"), "the ss command (iproute2) is not available");
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      ServerSocketChannel listener = sockets.listen(7);
      sockets.queueUnaccepted(listener, 2);
      int listenerPort = listener.socket().getLocalPort();
      ServerSocketChannel pairListener = sockets.listen(7);
      sockets.established(pairListener).clientSends(11);
      int pairPort = pairListener.socket().getLocalPort();
      // inode 0: queued children, which have no file until accept()
      List<Long> ssInodes =
          Ss.sockets("sport = :" + listenerPort + " or dport = :" + listenerPort
                  + " or sport = :" + pairPort + " or dport = :" + pairPort).stream()
              .map(Ss.Entry::inode)
              .filter(ino -> ino != 0)
              .sorted()
              .collect(Collectors.toList());
      // the two listeners, the two queued clients, the pair's client and server
      assertThat(ssInodes).hasSize(6);

      long[] self = SocketOwnership.selfSocketInodes();
      assertThat(self).isSorted();
      assertThat(Arrays.stream(self).boxed().collect(Collectors.toList()))
          .containsAll(ssInodes);
      long pid = ProcessHandle.current().pid();
      assertThat(Arrays.stream(SocketOwnership.socketInodes(pid)).boxed()
              .collect(Collectors.toList()))
          .containsAll(ssInodes);

      Map<Long, Long> owners = SocketOwnership.owners();
      for (long ino : ssInodes) {
        assertThat(owners.get(ino)).as("owner of inode %d", ino).isEqualTo(pid);
      }
    }
  }
}
