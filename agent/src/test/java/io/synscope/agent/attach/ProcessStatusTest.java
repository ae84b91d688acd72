package io.synscope.agent.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessStatusTest {
  /** The lines that matter of a status file, as a kernel 6.x writes them, between others. */
  private static final List<String> STATUS =
      List.of(
          "Name:\tjava",
          "Umask:\t0022",
          "State:\tS (sleeping)",
          "Tgid:\t4242",
          "Pid:\t4242",
          "Uid:\t1000\t1001\t1002\t1003",
          "Gid:\t2000\t2001\t2002\t2003",
          "FDSize:\t256",
          "Groups:\t4 24 27 ",
          "NSpid:\t4242\t17",
          "SigIgn:\t0000000000000000",
          "SigCgt:\t2000000181005ccf",
          "voluntary_ctxt_switches:\t3");

  @Test
  void readsTheFileSystemIdsThePidInsideItsNamespaceAndTheSigquitHandler() throws IOException {
    ProcessStatus status = ProcessStatus.parse(STATUS, "/proc/4242/status");

    assertThat(status.accessIds()).isEqualTo(new FileAccessIds(1003, 2003, Set.of(4L, 24L, 27L)));
    assertThat(status.namespacePid(4242)).isEqualTo(17);
    assertThat(status.catchesSigquit()).isTrue();
  }

  @Test
  void aMaskWithoutSignalThreeDoesNotCatchSigquit() throws IOException {
    ProcessStatus status =
        ProcessStatus.parse(List.of("SigCgt:\t2000000181005ccb"), "/proc/1/status");

    assertThat(status.catchesSigquit()).isFalse();
  }

  @Test
  void withoutNspidThePidIsTheOneAskedFor() throws IOException {
    ProcessStatus status = ProcessStatus.parse(List.of("Pid:\t99"), "/proc/99/status");

    assertThat(status.namespacePid(99)).isEqualTo(99);
  }

  @Test
  void badLinesAreNamedWithTheirFile() {
    ProcessStatus threeIds =
        ProcessStatus.parse(List.of("Uid:\t1 2 3", "Gid:\t1 2 3 4", "Groups:\t"), "/proc/7/status");
    assertThatThrownBy(threeIds::accessIds)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "/proc/7/status: expected four ids in Uid: and Gid:, found [1, 2, 3] and [1, 2, 3, 4]");

    ProcessStatus notANumber = ProcessStatus.parse(List.of("NSpid:\t7 x"), "/proc/7/status");
    assertThatThrownBy(() -> notANumber.namespacePid(7))
        .isInstanceOf(IOException.class)
        .hasMessage("/proc/7/status: not a list of ids: NSpid: 7 x");

    ProcessStatus noMask = ProcessStatus.parse(List.of("Pid:\t7"), "/proc/7/status");
    assertThatThrownBy(noMask::catchesSigquit)
        .isInstanceOf(IOException.class)
        .hasMessage("/proc/7/status has no SigCgt: line");
  }

  /** This JVM's own status: the ids a file it makes gets, its own pid, and the JVM's handler. */
  @Test
  void thisProcessMatchesWhatTheKernelDoesForIt(@TempDir Path dir) throws IOException {
    long pid = ProcessHandle.current().pid();
    ProcessStatus status = ProcessStatus.of(pid);
    Path made = Files.createFile(dir.resolve("made"));

    FileAccessIds ids = status.accessIds();
    assertThat(ids.uid()).isEqualTo(FileAccessIds.id(made, "unix:uid"));
    assertThat(ids.gid()).isEqualTo(FileAccessIds.id(made, "unix:gid"));
    assertThat(status.namespacePid(pid)).isEqualTo(pid);
    assertThat(status.catchesSigquit()).isTrue(); // HotSpot prints thread dumps on SIGQUIT
  }
}
