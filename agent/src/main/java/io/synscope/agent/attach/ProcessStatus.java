package io.synscope.agent.attach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an attach needs from {@code /proc/PID/status} (proc(5)): the ids the process opens files
 * with, its pid in its own pid namespace, and whether it catches SIGQUIT.
 */
final class ProcessStatus {
  /** SIGQUIT is signal 3: bit 2 of the {@code SigCgt} mask. */
  private static final long SIGQUIT_BIT = 1L << 2;

  private final String source;
  private final Map<String, String> fields;

  private ProcessStatus(String source, Map<String, String> fields) {
    this.source = source;
    this.fields = fields;
  }

  /** Reads the status of process {@code pid}. */
  static ProcessStatus of(long pid) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    return parse(Files.readAllLines(status, StandardCharsets.ISO_8859_1), status.toString());
  }

  /** Parses the lines of a status file; {@code source} names it in errors. */
  static ProcessStatus parse(List<String> lines, String source) {
    Map<String, String> fields = new HashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return new ProcessStatus(source, fields);
  }

  /**
   * The ids the process opens files with: the fourth (file-system) ids of {@code Uid:} and {@code
   * Gid:} (real, effective, saved, file system), and {@code Groups:}.
   */
  FileAccessIds accessIds() throws IOException {
    List<Long> uids = ids("Uid");
    List<Long> gids = ids("Gid");
    if (uids.size() != 4 || gids.size() != 4) {
      throw new IOException(
          source + ": expected four ids in Uid: and Gid:, found " + uids + " and " + gids);
    }
    Set<Long> groups = ids("Groups").stream().collect(Collectors.toUnmodifiableSet());
    return new FileAccessIds(uids.get(3), gids.get(3), groups);
  }

  /**
   * The process's pid as it sees itself: the last of {@code NSpid:} (its pid in each pid namespace
   * from ours inwards), or {@code hostPid} where the kernel does not say.
   */
  long namespacePid(long hostPid) throws IOException {
    List<Long> pids = fields.containsKey("NSpid") ? ids("NSpid") : List.of();
    return pids.isEmpty() ? hostPid : pids.get(pids.size() - 1);
  }

  /** Whether the process has a handler for SIGQUIT ({@code SigCgt:}, a hexadecimal mask). */
  boolean catchesSigquit() throws IOException {
    String mask = fields.get("SigCgt");
    if (mask == null) {
      throw new IOException(source + " has no SigCgt: line");
    }
    try {
      return (Long.parseUnsignedLong(mask, 16) & SIGQUIT_BIT) != 0;
    } catch (NumberFormatException e) {
      throw new IOException(source + ": not a signal mask: SigCgt: " + mask);
    }
  }

  private List<Long> ids(String field) throws IOException {
    String values = fields.get(field);
    if (values == null) {
      throw new IOException(source + " has no " + field + ": line");
    }
    try {
      return values.isEmpty()
          ? List.of()
          : Arrays.stream(values.split("\\s+")).map(Long::parseLong).toList();
    } catch (NumberFormatException e) {
      throw new IOException(source + ": not a list of ids: " + field + ": " + values);
    }
  }
}
