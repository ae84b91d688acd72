package io.synscope.agent.trace;

import io.opentelemetry.context.Context;
import java.net.InetSocketAddress;

/** What a connect still in progress remembers from the call that started it. */
record PendingConnect(long startNanos, InetSocketAddress remote, Context parent) {}
