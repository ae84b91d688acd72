package io.synscope.agent.export;

import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/** The OTLP/HTTP sender the agent's exporters use (found by the SDK through ServiceLoader). */
public final class UrlConnectionHttpSenderProvider implements HttpSenderProvider {
  @Override
  public HttpSender createSender(HttpSenderConfig config) {
    return new UrlConnectionHttpSender(config);
  }
}
