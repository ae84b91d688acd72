package io.synscope.probe.proc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads whole files of the proc file system. */
final class ProcFiles {
  private ProcFiles() {}

  /**
   * The file's text, one char per byte (ISO-8859-1, so stray bytes reach the parser and are
   * reported with their line instead of failing inside a decoder).
   *
   * <p>Not {@code Files.readAllBytes}: proc files report size 0, so it reads the first byte alone
   * and then continues at offset 1, and a {@code /proc/sys} file answers any read at a non-zero
   * offset with end of file: "4096" came back as "4". A stream read starts with a full buffer.
   */
  static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
