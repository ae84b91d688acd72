package io.synscope.agent.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * The ids a Linux process opens files with: its file-system user and group ids and its
 * supplementary groups. Enough to tell whether the process may read a file by its mode bits.
 */
record FileAccessIds(long uid, long gid, Set<Long> groups) {

  /**
   * Whether a process with these ids may read {@code file}: search permission on every directory
   * above it and read permission on the file, by the owner, group or other bits that apply, as the
   * kernel checks them. A root process reads anything. Access control lists and security modules
   * are not consulted; where they say no, the target's load of the agent says so.
   *
   * @param file a real path (no symbolic links), as {@link Path#toRealPath} gives
   */
  boolean canRead(Path file) throws IOException {
    if (uid == 0) {
      return true;
    }
    for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
      if (!allows(dir, 01)) {
        return false;
      }
    }
    return allows(file, 04);
  }

  /**
   * Whether the mode bits of {@code path} that apply to these ids include {@code bit} (r=4, x=1).
   */
  private boolean allows(Path path, int bit) throws IOException {
    int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    long owner = id(path, "unix:uid");
    long group = id(path, "unix:gid");
    int shift;
    if (owner == uid) {
      shift = 6;
    } else if (group == gid || groups.contains(group)) {
      shift = 3;
    } else {
      shift = 0;
    }
    return ((mode >> shift) & bit) != 0;
  }

  /** A file's owner or group: ids are unsigned 32-bit numbers, the attribute an int. */
  static long id(Path path, String attribute) throws IOException {
    return Integer.toUnsignedLong(
        (Integer) Files.getAttribute(path, attribute, LinkOption.NOFOLLOW_LINKS));
  }
}
