package io.synscope.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synscope.probe.TcpState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line's errors and help, run in-process: every case here fails or stops before any
 * kernel table is read.
 */
class CliArgumentsTest {

  record Result(int status, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new Cli(
                CommandRegistry.standard(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false)
            .execute(args);
    return new Result(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertUsageError(Result r, String line) {
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo(line + System.lineSeparator());
  }

  @Test
  void badPortNamesOptionValueAndRange() {
    assertUsageError(
        run("sockets", "--port", "abc"),
        "synscope sockets: bad value for --port: 'abc' (expected 0..65535); see --help");
    assertUsageError(
        run("sockets", "--port=65536"),
        "synscope sockets: bad value for --port: '65536' (expected 0..65535); see --help");
    assertUsageError(
        run("listeners", "--port", "-1"),
        "synscope listeners: bad value for --port: '-1' (expected 0..65535); see --help");
  }

  @Test
  void unknownStateNamesTheValueAndTheKnownStates() {
    Result r = run("sockets", "--state", "listen,bogus");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err())
        .startsWith("synscope sockets: bad value for --state: 'bogus' (expected a TCP state: ")
        .contains("established, syn-sent")
        .endsWith("; see --help" + System.lineSeparator());
  }

  @Test
  void pidOfNoRunningProcessIsABadValue() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long gone = p.pid();
    assertUsageError(
        run("sockets", "--pid", Long.toString(gone)),
        "synscope sockets: bad value for --pid: '" + gone
            + "' (expected the pid of a running process; there is none); see --help");
    assertUsageError(
        run("sockets", "--pid", "0"),
        "synscope sockets: bad value for --pid: '0' (expected a process id); see --help");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "abc", "0.0001", "86401"})
  void watchMustBeAPositiveNumberOfSeconds(String value) {
    assertUsageError(
        run("counters", "--watch", value),
        "synscope counters: bad value for --watch: '" + value
            + "' (expected a number of seconds > 0"
            + (value.equals("abc") ? "" : ", at most 86400") + "); see --help");
  }

  @Test
  void countMustBePositiveAndNeedsWatch() {
    assertUsageError(
        run("counters", "--watch", "1", "--count", "0"),
        "synscope counters: bad value for --count: '0' (expected a whole number > 0); see --help");
    assertUsageError(
        run("counters", "--count", "3"),
        "synscope counters: --count 3 needs --watch SECONDS; see --help");
  }

  @Test
  void unknownCommandOptionAndStrayArgument() {
    assertUsageError(run("frobnicate"), "synscope: unknown command 'frobnicate'; see --help");
    assertUsageError(run("--frob"), "synscope: unknown option '--frob'; see --help");
    assertUsageError(run(), "synscope: no command given; see --help");
    assertUsageError(
        run("sockets", "--verbose"), "synscope sockets: unknown option '--verbose'; see --help");
    assertUsageError(
        run("listeners", "--state", "listen"),
        "synscope listeners: unknown option '--state'; see --help");
    assertUsageError(
        run("counters", "extra"), "synscope counters: unexpected argument 'extra'; see --help");
  }

  @Test
  void missingRepeatedAndMisusedValues() {
    assertUsageError(
        run("sockets", "--port"), "synscope sockets: missing value for --port; see --help");
    assertUsageError(
        run("sockets", "--port", "--json"),
        "synscope sockets: missing value for --port; see --help");
    assertUsageError(
        run("sockets", "--port", "1", "--port", "2"),
        "synscope sockets: --port given more than once; see --help");
    assertUsageError(
        run("sockets", "--json=yes"),
        "synscope sockets: --json takes no value, got 'yes'; see --help");
  }

  @ParameterizedTest
  @CsvSource({"sockets,--state", "listeners,--port", "counters,--watch"})
  void eachCommandsHelpListsItsOptionsAndExitsZero(String command, String option) {
    for (String flag : List.of("--help", "-h")) {
      Result r = run(command, flag);
      assertThat(r.status()).isEqualTo(0);
      assertThat(r.err()).isEmpty();
      assertThat(r.out())
          .startsWith("Usage: java -jar synscope-agent.jar " + command + " [options]")
          .contains(option)
          .contains("--json")
          .contains("-h, --help");
    }
    assertThat(run("help", command).out()).isEqualTo(run(command, "--help").out());
  }

  @Test
  void helpWinsOverOtherwiseBadOptions() {
    Result r = run("sockets", "--port", "abc", "--help");
    assertThat(r.status()).isEqualTo(0);
    assertThat(r.out()).startsWith("Usage: java -jar synscope-agent.jar sockets");
  }

  @Test
  void topLevelHelpListsEveryCommand() {
    Result r = run("--help");
    assertThat(r.status()).isEqualTo(0);
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains("\n  sockets    list TCP sockets")
        .contains("\n  listeners  listening sockets")
        .contains("\n  counters   TCP stack counters")
        .contains("--version");
    assertThat(run("-h").out()).isEqualTo(r.out());
  }

  @Test
  void versionOutsideTheJarSaysItIsUnknown() {
    Result r = run("--version");
    assertThat(r.status()).isEqualTo(0);
    assertThat(r.out()).isEqualTo("synscope (version unknown: not run from its jar)"
        + System.lineSeparator());
  }

  @Test
  void socketsOptionsBecomeTheQuery() throws UsageException {
    SocketsCommand.Options o =
        SocketsCommand.parse(
            List.of("--state", "listening,SYN-RECV", "--state=estab", "--port", "8080", "-6",
                "--info", "--json"));
    assertThat(o.states())
        .isEqualTo(EnumSet.of(TcpState.LISTEN, TcpState.SYN_RECV, TcpState.ESTABLISHED));
    assertThat(o.port()).isEqualTo(8080);
    assertThat(o.pid()).isNull();
    assertThat(o.info()).isTrue();
    assertThat(o.json()).isTrue();
    var q = o.query(new long[] {5, 3});
    assertThat(q.stateMask())
        .isEqualTo(TcpState.LISTEN.kernelMask() | TcpState.SYN_RECV.kernelMask()
            | TcpState.ESTABLISHED.kernelMask());
    assertThat(q.includesIpv4()).isFalse();
    assertThat(q.includesIpv6()).isTrue();
    assertThat(q.anyPort()).isEqualTo(8080);
    assertThat(q.withInfo()).isTrue();
    assertThat(q.matchesInode(3)).isTrue();
    assertThat(q.matchesInode(4)).isFalse();
  }

  @Test
  void bothFamilyFlagsMeanBothFamiliesAndNoStateMeansAll() throws UsageException {
    var q = SocketsCommand.parse(List.of("-4", "--ipv6")).query(null);
    assertThat(q.includesIpv4()).isTrue();
    assertThat(q.includesIpv6()).isTrue();
    assertThat(q.stateMask()).isEqualTo(0xffff_ffff);
    assertThat(q.hasRecordFilter()).isFalse();
  }

  @Test
  void ssStateGroups() throws UsageException {
    assertThat(OptionValues.states("--state", "bucket"))
        .isEqualTo(EnumSet.of(TcpState.SYN_RECV, TcpState.TIME_WAIT));
    assertThat(OptionValues.states("--state", "connected"))
        .isEqualTo(EnumSet.complementOf(EnumSet.of(TcpState.LISTEN, TcpState.CLOSE)));
    assertThat(OptionValues.states("--state", "fin-wait-1,closed"))
        .isEqualTo(EnumSet.of(TcpState.FIN_WAIT1, TcpState.CLOSE));
    assertThatThrownBy(() -> OptionValues.states("--state", "listen,"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("bad value for --state: '' ");
  }

  @Test
  void listenersPortIsALocalPortFilterOverListenAndSynRecv() throws UsageException {
    var q = ListenersCommand.parse(List.of("--port", "443", "--json")).query();
    assertThat(q.localPort()).isEqualTo(443);
    assertThat(q.anyPort()).isEqualTo(-1);
    assertThat(q.stateMask()).isEqualTo((1 << 10) | (1 << 3) | (1 << 12));
  }

  @Test
  void watchTakesFractionsOfSeconds() throws UsageException {
    CountersCommand.Options o =
        CountersCommand.parse(List.of("--watch", "0.25", "--count", "4", "--all"));
    assertThat(o.watchMillis()).isEqualTo(250);
    assertThat(o.count()).isEqualTo(4);
    assertThat(o.all()).isTrue();
    assertThat(o.json()).isFalse();
    assertThat(CountersCommand.parse(List.of()).watchMillis()).isEqualTo(0);
  }
}
