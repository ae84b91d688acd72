package io.synscope.agent.cli;

import static io.synscope.probe.testing.SocketRecords.listener;
import static io.synscope.probe.testing.SocketRecords.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.probe.IpFamily;
import io.synscope.probe.TcpSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerQueuesTest {

  @Test
  void eachRequestSocketCountsOnceForTheListenerTheKernelWouldPick() {
    TcpSocket exact1 = listener(IpFamily.IPV4, "127.0.0.1", 8080, 0, 50);
    TcpSocket exact2 = listener(IpFamily.IPV4, "127.0.0.2", 8080, 0, 50);
    TcpSocket dualStack = listener(IpFamily.IPV6, "::", 9090, 0, 50);
    TcpSocket wildcard4 = listener(IpFamily.IPV4, "0.0.0.0", 7070, 0, 50);
    TcpSocket wildcard6 = listener(IpFamily.IPV6, "::", 7070, 0, 50);
    List<TcpSocket> dump =
        List.of(
            exact1,
            request(IpFamily.IPV4, "127.0.0.1", 8080, "127.0.0.1", 40001),
            exact2,
            request(IpFamily.IPV4, "127.0.0.1", 8080, "127.0.0.1", 40002),
            request(IpFamily.IPV4, "127.0.0.2", 8080, "127.0.0.1", 40003),
            request(IpFamily.IPV4, "127.0.0.3", 8080, "127.0.0.1", 40004),
            request(IpFamily.IPV4, "127.0.0.1", 9090, "127.0.0.1", 40005),
            request(IpFamily.IPV6, "::1", 9090, "::1", 40006),
            wildcard4,
            wildcard6,
            request(IpFamily.IPV4, "127.0.0.1", 7070, "127.0.0.1", 40007),
            request(IpFamily.IPV6, "::1", 7070, "::1", 40008),
            dualStack);
    assertThat(ListenerQueues.of(dump))
        .containsExactly(
            new ListenerQueues.Listener(exact1, 2),
            new ListenerQueues.Listener(exact2, 1),
            new ListenerQueues.Listener(wildcard4, 1),
            new ListenerQueues.Listener(wildcard6, 1),
            new ListenerQueues.Listener(dualStack, 2));
  }

  @Test
  void listenerJsonHasQueueDepthBacklogFullAndOwner() {
    TcpSocket full = listener(IpFamily.IPV6, "::1", 8443, 3, 2);
    String json =
        ListenersCommand.json(
                new ListenerQueues.Listener(full, 4), new OwnedSocket(full, 42L, "java"))
            .toString();
    assertThat(json)
        .isEqualTo(
            "{\"family\":\"ipv6\",\"address\":\"::1\",\"port\":8443,\"queue_depth\":3,"
                + "\"backlog\":2,\"full\":true,\"syn_recv\":4,\"pid\":42,\"inode\":12443,"
                + "\"source\":\"netlink\"}");
    TcpSocket notFull = listener(IpFamily.IPV4, "0.0.0.0", 80, 2, 2);
    assertThat(
            ListenersCommand.json(
                    new ListenerQueues.Listener(notFull, 0), new OwnedSocket(notFull, null, null))
                .toString())
        .contains("\"queue_depth\":2,\"backlog\":2,\"full\":false,\"syn_recv\":0,\"pid\":null");
  }
}
