package io.synscope.agent.testing;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A real gRPC server (grpc-java) with the OTLP trace and metrics services' unary Export methods,
 * bound to 127.0.0.1. The messages are handed on as bytes, keyed by the OTLP/HTTP path of the same
 * signal, so that {@link OtlpReceiver} decodes them as it decodes its own; the answer is an empty
 * Export response (zero bytes: no partial success).
 */
final class OtlpGrpcListener implements AutoCloseable {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final Server server;
  private final boolean tls;

  private OtlpGrpcListener(Server server, boolean tls) {
    this.server = server;
    this.tls = tls;
  }

  /**
   * Starts the server, over TLS with {@code certificate} unless it is null; {@code sink} gets
   * (OTLP/HTTP path, message) for each Export call.
   */
  static OtlpGrpcListener start(
      SelfSignedCertificate certificate, BiConsumer<String, byte[]> sink) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    if (certificate != null) {
      builder.useTransportSecurity(certificate.pem().toFile(), certificate.keyPem().toFile());
    }
    Server server =
        builder
            .addService(
                service(
                    "opentelemetry.proto.collector.trace.v1.TraceService",
                    OtlpReceiver.TRACES_PATH,
                    sink))
            .addService(
                service(
                    "opentelemetry.proto.collector.metrics.v1.MetricsService",
                    OtlpReceiver.METRICS_PATH,
                    sink))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the OTLP gRPC receiver on loopback", e);
    }
    return new OtlpGrpcListener(server, certificate != null);
  }

  private static ServerServiceDefinition service(
      String name, String path, BiConsumer<String, byte[]> sink) {
    MethodDescriptor<byte[], byte[]> export =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(name, "Export"))
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    return ServerServiceDefinition.builder(name)
        .addMethod(
            export,
            ServerCalls.asyncUnaryCall(
                (request, response) -> {
                  try {
                    sink.accept(path, request);
                  } catch (RuntimeException e) {
                    response.onError(
                        Status.INVALID_ARGUMENT.withDescription(e.toString()).asException());
                    return;
                  }
                  response.onNext(new byte[0]);
                  response.onCompleted();
                }))
        .build();
  }

  int port() {
    return server.getPort();
  }

  boolean tls() {
    return tls;
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
