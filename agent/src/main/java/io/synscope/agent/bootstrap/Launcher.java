package io.synscope.agent.bootstrap;

/**
 * {@code java -jar synscope-agent.jar COMMAND ...}: runs the operator's CLI inside the agent's
 * class loader, so that it uses the same libraries as the agent does.
 */
public final class Launcher {
  private static final String CLI = "io.synscope.agent.cli.Cli";

  private Launcher() {}

  public static void main(String[] args) throws Exception {
    ClassLoader loader = new AgentClassLoader(AgentJar.locate(), Launcher.class.getClassLoader());
    Thread.currentThread().setContextClassLoader(loader);
    Class<?> cli = Class.forName(CLI, true, loader);
    int status = (int) cli.getMethod("run", String[].class).invoke(null, (Object) args);
    System.exit(status);
  }
}
