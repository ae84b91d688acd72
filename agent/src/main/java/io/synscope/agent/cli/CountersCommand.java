package io.synscope.agent.cli;

import io.synscope.probe.proc.StackCounters;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * {@code counters}: the TCP stack counters of /proc/net/netstat and /proc/net/snmp, once or as
 * deltas every few seconds.
 */
final class CountersCommand implements Command {

  /**
   * @param watchMillis interval between snapshots, or 0 for one absolute snapshot
   * @param count number of deltas to print, or 0 for no limit
   */
  record Options(long watchMillis, int count, boolean json, boolean all) {}

  @Override
  public String name() {
    return "counters";
  }

  @Override
  public String summary() {
    return "TCP stack counters (ListenOverflows, SYN cookies, retransmits...), once or as deltas";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "Usage: java -jar synscope-agent.jar counters [options]",
        "",
        "Shows the TCP counters of /proc/net/netstat (TcpExt) and /proc/net/snmp (Tcp): by",
        "default those about connection setup (accept queue overflows, SYN queue drops, SYN",
        "cookies, SYN retransmits, opens, resets). They count the whole network namespace, not",
        "one process. CurrEstab is a gauge and shown as is, also in deltas.",
        "",
        "Options:",
        "  --watch SECONDS  print the change of each counter every SECONDS (> 0), until",
        "                   interrupted or --count deltas have been printed",
        "  --count N        with --watch: stop after N deltas",
        "  --all            every TcpExt and Tcp counter",
        "  --json           one JSON object per snapshot and line:",
        "                   {\"time\":..., \"delta\":..., \"TcpExt\":{...}, \"Tcp\":{...}}",
        "  -h, --help       show this help");
  }

  static Options parse(List<String> args) throws UsageException {
    ArgumentParser.Parsed p =
        new ArgumentParser()
            .value("--watch")
            .value("--count")
            .flag("--json")
            .flag("--all")
            .parse(args);
    long watch = p.has("--watch") ? OptionValues.seconds("--watch", p.value("--watch")) : 0;
    int count = p.has("--count") ? OptionValues.positiveInt("--count", p.value("--count")) : 0;
    if (count > 0 && watch == 0) {
      throw new UsageException("--count " + p.value("--count") + " needs --watch SECONDS");
    }
    return new Options(watch, count, p.has("--json"), p.has("--all"));
  }

  @Override
  public int run(List<String> args, PrintStream out) throws UsageException, InterruptedException {
    Options o = parse(args);
    CounterSelection selection = new CounterSelection(o.all());
    StackCounters previous = StackCounters.read();
    if (o.watchMillis() == 0) {
      print(out, o, Instant.now(), false, selection.select(previous));
      return 0;
    }
    if (!o.json()) {
      out.println(
          "# changes every " + InfoLine.microsAsMillis(o.watchMillis())
              + " s; counters cover the whole network namespace, not one process");
      out.flush();
    }
    long start = System.nanoTime();
    for (long n = 1; o.count() == 0 || n <= o.count(); n++) {
      // Fixed rate from the start, so that slow reads do not make the intervals drift.
      long dueNanos = start + n * o.watchMillis() * 1_000_000L;
      long waitNanos = dueNanos - System.nanoTime();
      if (waitNanos > 0) {
        Thread.sleep(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
      }
      StackCounters now = StackCounters.read();
      print(out, o, Instant.now(), true, selection.select(now.since(previous)));
      previous = now;
    }
    return 0;
  }

  private static void print(
      PrintStream out,
      Options o,
      Instant time,
      boolean delta,
      Map<String, Map<String, Long>> groups) {
    String stamp = time.truncatedTo(ChronoUnit.MILLIS).toString();
    if (o.json()) {
      JsonObject line = new JsonObject().put("time", stamp).put("delta", delta);
      for (Map.Entry<String, Map<String, Long>> g : groups.entrySet()) {
        JsonObject counters = new JsonObject();
        g.getValue().forEach(counters::put);
        line.put(g.getKey(), counters);
      }
      new JsonLineWriter(out).write(line);
      return;
    }
    if (delta) {
      out.println();
      out.println("# " + stamp);
    }
    TextTable table =
        new TextTable()
            .column("Group", TextTable.Align.LEFT)
            .column("Counter", TextTable.Align.LEFT)
            .column(delta ? "Change" : "Value", TextTable.Align.RIGHT);
    for (Map.Entry<String, Map<String, Long>> g : groups.entrySet()) {
      for (Map.Entry<String, Long> c : g.getValue().entrySet()) {
        table.row(g.getKey(), c.getKey(), Long.toString(c.getValue()));
      }
    }
    table.print(out);
    out.flush();
  }
}
