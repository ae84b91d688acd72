package io.synscope.agent.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read access by mode bits, on real files whose owner, group and mode the test sets. */
class FileAccessIdsTest {
  /** Not root, so that the owner and group classes are what decides. */
  private static final long OWNER = 4321;

  private static final long GROUP = 4322;
  private static final long STRANGER = 65534;

  @TempDir Path root;
  private Path dir;
  private Path jar;

  @BeforeEach
  void files() throws IOException {
    dir = Files.createDirectory(root.resolve("agent"));
    jar = Files.createFile(dir.resolve("synscope-agent.jar"));
    long me = ProcessStatus.of(ProcessHandle.current().pid()).accessIds().uid();
    if (me == 0) {
      for (Path p : new Path[] {dir, jar}) {
        Files.setAttribute(p, "unix:uid", (int) OWNER);
        Files.setAttribute(p, "unix:gid", (int) GROUP);
      }
    }
    mode(root.toRealPath(), "rwxr-xr-x");
  }

  private long owner() throws IOException {
    return FileAccessIds.id(jar, "unix:uid");
  }

  private long group() throws IOException {
    return FileAccessIds.id(jar, "unix:gid");
  }

  private static void mode(Path path, String permissions) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
  }

  private boolean readable(long uid, long gid, Set<Long> groups) throws IOException {
    return new FileAccessIds(uid, gid, groups).canRead(jar.toRealPath());
  }

  @Test
  void everyoneReadsAJarInAnOpenDirectory() throws IOException {
    mode(dir, "rwxr-xr-x");
    mode(jar, "rw-r--r--");

    assertThat(readable(STRANGER, STRANGER, Set.of())).isTrue();
  }

  @Test
  void aPrivateDirectoryKeepsOthersOutButNotItsOwner() throws IOException {
    mode(dir, "rwx------");
    mode(jar, "rw-r--r--");

    assertThat(readable(STRANGER, STRANGER, Set.of())).isFalse();
    assertThat(readable(owner(), STRANGER, Set.of())).isTrue();
    assertThat(readable(0, 0, Set.of())).isTrue();
  }

  @Test
  void theGroupBitsApplyToTheGroupAndItsSupplementaryMembers() throws IOException {
    mode(dir, "rwxr-x---");
    mode(jar, "rw-r-----");

    assertThat(readable(STRANGER, group(), Set.of())).isTrue();
    assertThat(readable(STRANGER, STRANGER, Set.of(group()))).isTrue();
    assertThat(readable(STRANGER, STRANGER, Set.of(STRANGER + 1))).isFalse();
  }

  /** As the kernel does: the owner gets the owner bits, even where the group's would allow more. */
  @Test
  void theOwnerClassDecidesForTheOwner() throws IOException {
    mode(dir, "rwxr-xr-x");
    mode(jar, "---r--r--");

    assertThat(readable(owner(), group(), Set.of())).isFalse();
    assertThat(readable(STRANGER, group(), Set.of())).isTrue();
  }

  @Test
  void aDirectoryWithoutSearchPermissionHidesTheJarEvenWhenListable() throws IOException {
    mode(dir, "rwxr--r--");
    mode(jar, "rw-r--r--");

    assertThat(readable(STRANGER, STRANGER, Set.of())).isFalse();
  }
}
