package io.synscope.agent.cli;

import io.synscope.agent.attach.Attacher;
import io.synscope.agent.config.AgentConfig;
import java.io.File;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** {@code attach PID [KEY=VALUE ...]}: loads this jar as an agent into a running JVM. */
final class AttachCommand implements Command {

  @Override
  public String name() {
    return "attach";
  }

  @Override
  public String summary() {
    return "load the agent into a running JVM by pid; its new connections are traced from then on";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "Usage: java -jar synscope-agent.jar attach PID [KEY=VALUE ...]",
        "",
        "Loads synscope into the running JVM with process id PID, as -javaagent would at start-up.",
        "Connections made from then on are traced; socket classes already loaded are",
        "retransformed. Run it as the target JVM's user, or as root. A target that cannot open",
        "this jar (another user's process, a private /tmp, a container) loads a copy that is",
        "written to its temporary directory; the command says where.",
        "",
        "Each KEY=VALUE is an agent option, as after -javaagent:synscope-agent.jar=: a synscope",
        "option (debug=true, trace.accept=false, ...) or an OpenTelemetry setting",
        "(otel.exporter.otlp.endpoint=http://collector:4318, otel.service.name=orders, ...).",
        "The target's own OTEL_* environment and -Dotel.* properties apply as well.",
        "",
        "Options:",
        "  -h, --help  show this help");
  }

  @Override
  public int run(List<String> args, PrintStream out) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("missing PID");
    }
    long pid = OptionValues.pid("PID", args.get(0));
    List<String> options = args.subList(1, args.size());
    for (String o : options) {
      if (o.startsWith("-")) {
        throw new UsageException("unknown option '" + o + "'");
      }
      if (o.indexOf('=') <= 0 || o.contains(",")) {
        throw UsageException.badValue("agent option", o, "KEY=VALUE without commas");
      }
    }
    String agentArgs = options.isEmpty() ? null : String.join(",", options);
    List<String> problems = AgentConfig.resolve(agentArgs, new Properties(), Map.of()).problems();
    if (!problems.isEmpty()) {
      throw new UsageException(problems.get(0));
    }
    Attacher.attach(pid, agentJar(), agentArgs).ifPresent(note -> out.println("synscope: " + note));
    out.println("synscope: agent loaded into pid " + pid + "; its log says what it traces");
    return Cli.OK;
  }

  private static File agentJar() {
    CodeSource source = AttachCommand.class.getProtectionDomain().getCodeSource();
    try {
      File jar = source == null ? null : new File(source.getLocation().toURI());
      if (jar == null || !jar.isFile()) {
        throw new IllegalStateException("attach must run from the synscope agent jar");
      }
      return jar;
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad agent jar location " + source.getLocation(), e);
    }
  }
}
