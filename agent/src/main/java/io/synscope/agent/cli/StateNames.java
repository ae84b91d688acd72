package io.synscope.agent.cli;

import io.synscope.probe.TcpState;

/** TCP state names as {@code ss} prints them in its State column ({@code sstate_name} in ss.c). */
final class StateNames {
  private StateNames() {}

  static String ss(TcpState state) {
    switch (state) {
      case ESTABLISHED:
        return "ESTAB";
      case SYN_SENT:
        return "SYN-SENT";
      case SYN_RECV:
        return "SYN-RECV";
      case FIN_WAIT1:
        return "FIN-WAIT-1";
      case FIN_WAIT2:
        return "FIN-WAIT-2";
      case TIME_WAIT:
        return "TIME-WAIT";
      case CLOSE:
        return "UNCONN";
      case CLOSE_WAIT:
        return "CLOSE-WAIT";
      case LAST_ACK:
        return "LAST-ACK";
      case LISTEN:
        return "LISTEN";
      case CLOSING:
        return "CLOSING";
      default:
        throw new IllegalArgumentException("state without an ss name: " + state);
    }
  }
}
