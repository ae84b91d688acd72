package io.synscope.probe.testing;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Seeded mutations of valid input, for parsers and decoders that must fail only with the probe's
 * own exceptions. Text and bytes get the same edits; bytes are handled as ISO-8859-1 characters,
 * one per byte, the way the probes decode /proc files.
 */
public final class Mutations {
  private static final String INTERESTING = " :\n0123456789abcdefABCDEFxyzXYZ-+[]\t\u00ff\u0660";

  private Mutations() {}

  /**
   * The text with one to four random edits (replace, insert, delete, truncate or duplicate); the
   * characters put in favour those a /proc file is made of.
   */
  public static String mutate(String text, Random random) {
    return edit(text, random, false);
  }

  /** The bytes with one to four random edits as {@link #mutate(String, Random)}, any byte value. */
  public static byte[] mutate(byte[] bytes, Random random) {
    return edit(new String(bytes, StandardCharsets.ISO_8859_1), random, true)
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Random bytes as ISO-8859-1 characters, a quarter of them drawn from the interesting ones. */
  public static String randomBytes(Random random, int length) {
    char[] c = new char[length];
    for (int i = 0; i < length; i++) {
      c[i] = random.nextInt(4) == 0 ? pick(random) : (char) random.nextInt(256);
    }
    return new String(c);
  }

  private static String edit(String text, Random random, boolean anyByte) {
    StringBuilder sb = new StringBuilder(text);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = random.nextInt(sb.length());
      switch (random.nextInt(5)) {
        case 0:
          sb.setCharAt(at, anyByte ? (char) random.nextInt(256) : pick(random));
          break;
        case 1:
          sb.insert(at, anyByte ? (char) random.nextInt(256) : pick(random));
          break;
        case 2:
          sb.delete(at, Math.min(sb.length(), at + 1 + random.nextInt(8)));
          break;
        case 3:
          sb.setLength(at);
          break;
        default:
          int end = Math.min(sb.length(), at + 1 + random.nextInt(40));
          sb.insert(at, sb.substring(at, end));
          break;
      }
    }
    return sb.toString();
  }

  private static char pick(Random random) {
    return INTERESTING.charAt(random.nextInt(INTERESTING.length()));
  }
}
