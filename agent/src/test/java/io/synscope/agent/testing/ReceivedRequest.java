package io.synscope.agent.testing;

/**
 * One HTTP request an {@link OtlpReceiver} got and how it answered; {@code contentEncoding} is
 * empty when the body was sent uncompressed, {@code bodyBytes} is the size on the wire, {@code
 * clientPort} the port of the connection it came on, {@code authorization} the request's
 * Authorization header, empty when it had none.
 */
public record ReceivedRequest(
    String method,
    String path,
    String contentEncoding,
    int bodyBytes,
    int status,
    int clientPort,
    String authorization) {}
