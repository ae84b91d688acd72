package io.synscope.probe.proc;

import java.util.Random;

/** Seeded mutations of a text, for parsers that must fail only with MalformedDataException. */
final class Mutations {
  private static final String INTERESTING = " :\n0123456789abcdefABCDEFxyzXYZ-+[]\t\u00ff\u0660";

  private Mutations() {}

  /** The text with one to four random edits: replace, insert, delete, truncate or duplicate. */
  static String mutate(String text, Random random) {
    StringBuilder sb = new StringBuilder(text);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = random.nextInt(sb.length());
      switch (random.nextInt(5)) {
        case 0:
          sb.setCharAt(at, pick(random));
          break;
        case 1:
          sb.insert(at, pick(random));
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

  /** Random bytes as ISO-8859-1 characters, the way the probes decode /proc files. */
  static String randomBytes(Random random, int length) {
    char[] c = new char[length];
    for (int i = 0; i < length; i++) {
      c[i] = random.nextInt(4) == 0 ? pick(random) : (char) random.nextInt(256);
    }
    return new String(c);
  }

  private static char pick(Random random) {
    return INTERESTING.charAt(random.nextInt(INTERESTING.length()));
  }
}
