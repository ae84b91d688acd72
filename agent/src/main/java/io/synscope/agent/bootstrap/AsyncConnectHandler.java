package io.synscope.agent.bootstrap;

import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;

/**
 * Stands in for the application's completion handler of an asynchronous connect: tells the agent
 * the outcome, then calls the application's handler with exactly the same arguments.
 */
final class AsyncConnectHandler implements CompletionHandler<Void, Object> {
  private final CompletionHandler<Void, Object> delegate;
  private final AsynchronousSocketChannel channel;
  private final Object token;

  AsyncConnectHandler(
      CompletionHandler<Void, Object> delegate, AsynchronousSocketChannel channel, Object token) {
    this.delegate = delegate;
    this.channel = channel;
    this.token = token;
  }

  @Override
  public void completed(Void result, Object attachment) {
    Hooks.asyncConnectCompleted(channel, token, null);
    delegate.completed(result, attachment);
  }

  @Override
  public void failed(Throwable exc, Object attachment) {
    Hooks.asyncConnectCompleted(channel, token, exc);
    delegate.failed(exc, attachment);
  }
}
