package io.synscope.agent.cli;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The CLI's commands by name, in the order the top-level help lists them. */
final class CommandRegistry {
  private final Map<String, Command> commands = new LinkedHashMap<>();

  /** Every command the CLI offers. */
  static CommandRegistry standard() {
    return new CommandRegistry()
        .register(new SocketsCommand())
        .register(new ListenersCommand())
        .register(new CountersCommand())
        .register(new AttachCommand());
  }

  CommandRegistry register(Command command) {
    if (commands.putIfAbsent(command.name(), command) != null) {
      throw new IllegalArgumentException("command registered twice: " + command.name());
    }
    return this;
  }

  /** The command, or null if there is none by that name. */
  Command find(String name) {
    return commands.get(name);
  }

  Collection<Command> all() {
    return commands.values();
  }
}
