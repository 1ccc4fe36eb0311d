package org.iocsync.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded damage to a real answer, as a broken server, proxy or network makes it.
 *
 * <p>It changes, drops, repeats or inserts bytes, and swaps in tokens JSON allows or forbids. The
 * same seed always gives the same damage, so that a failure names the input that caused it: a
 * hostile-answer test serves {@link #mutate mutate(answer, SEED + i)} for each {@code i}, cuts the
 * answer short at {@link #CUTS} places, and nests it {@link #DEPTH} deep after some of its {@link
 * #colons colons}, then checks that the client under test fails with its own exception (or
 * succeeds) and never with a stack overflow, an out-of-memory error or a hang.
 *
 * <p>{@code -Dhostile.seed=N} changes the base seed, {@code -Dhostile.mutations=N} the number of
 * mutated inputs per answer (see {@link #mutations}) and {@code -Dhostile.cuts=N} the number of
 * places each answer is cut.
 */
public final class Damage {
  /** The base seed, {@code -Dhostile.seed} or 72024; each input's seed is this plus its index. */
  public static final long SEED = Long.getLong("hostile.seed", 7_2024L);

  /** At how many places, spread evenly, a test cuts each answer short: {@code -Dhostile.cuts}. */
  public static final int CUTS = Integer.getInteger("hostile.cuts", 1000);

  /** After how many of an answer's colons, spread evenly, a test nests absurdly deep. */
  public static final int NESTING_PLACES = 40;

  /** How deep the inputs of {@link #nestedAfterColon} go. */
  public static final int DEPTH = 100_000;

  private static final byte[] STRUCTURE =
      "{}[]\":,0123456789-+.eE \n\\".getBytes(StandardCharsets.UTF_8);

  private static final String[] TOKENS = {
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1e999",
    "-9223372036854775809",
    "99999999999999999999",
    "1.5",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "[[",
    "{\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\\uZZZZ\"",
    "\u0000",
    "\uFFFF",
    "\u00e9\u4e2d",
    "<html>",
    "NaN",
    "Infinity",
  };

  private Damage() {}

  /**
   * How many mutated copies of each answer a test tries: {@code -Dhostile.mutations} when set,
   * otherwise {@code defaultCount}, which a test suite picks to keep its run short.
   */
  public static int mutations(int defaultCount) {
    return Integer.getInteger("hostile.mutations", defaultCount);
  }

  /**
   * Returns a copy of {@code answer} with one to three mutations chosen by {@code seed}; the same
   * answer and seed always give the same bytes. {@code answer} itself is not changed.
   */
  public static byte[] mutate(byte[] answer, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] body = answer;
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      body = mutateOnce(body, random);
    }
    return body;
  }

  private static byte[] mutateOnce(byte[] body, SplittableRandom random) {
    if (body.length == 0) {
      return token(random);
    }
    int at = random.nextInt(body.length);
    switch (random.nextInt(6)) {
      case 0:
        return replaced(body, at, 1, new byte[] {(byte) random.nextInt(256)});
      case 1:
        return replaced(body, at, 1, new byte[] {STRUCTURE[random.nextInt(STRUCTURE.length)]});
      case 2:
        return replaced(body, at, 1 + random.nextInt(16), new byte[0]);
      case 3:
        int length = Math.min(1 + random.nextInt(64), body.length - at);
        return replaced(
            body, random.nextInt(body.length), 0, Arrays.copyOfRange(body, at, at + length));
      case 4:
        return replaced(body, at, 0, token(random));
      default:
        return replaced(body, at, 1 + random.nextInt(12), token(random));
    }
  }

  private static byte[] token(SplittableRandom random) {
    return TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
  }

  /** {@code body} with {@code length} bytes from {@code at} replaced by {@code insert}. */
  private static byte[] replaced(byte[] body, int at, int length, byte[] insert) {
    int end = Math.min(body.length, at + length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + insert.length);
    out.write(body, 0, at);
    out.write(insert, 0, insert.length);
    out.write(body, end, body.length - end);
    return out.toByteArray();
  }

  /**
   * Returns {@code answer} with {@link #DEPTH} unclosed brackets inserted after its {@code n}-th
   * colon (counted from 0): objects when {@code bracket} is an opening brace, arrays otherwise.
   *
   * @throws IllegalArgumentException if {@code answer} has {@code n} colons or fewer; use {@link
   *     #colons} to pick {@code n}.
   */
  public static byte[] nestedAfterColon(byte[] answer, int n, char bracket) {
    int colon = -1;
    for (int i = 0, seen = 0; i < answer.length; i++) {
      if (answer[i] == ':' && seen++ == n) {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      throw new IllegalArgumentException("the answer has fewer than " + (n + 1) + " colons");
    }
    byte[] nesting =
        (bracket == '{' ? "{\"a\":" : "[").repeat(DEPTH).getBytes(StandardCharsets.UTF_8);
    return replaced(answer, colon + 1, 0, nesting);
  }

  /** Returns how many colons, so places where a value starts, {@code answer} has. */
  public static int colons(byte[] answer) {
    int count = 0;
    for (byte b : answer) {
      if (b == ':') {
        count++;
      }
    }
    return count;
  }

  /**
   * Returns the first 300 bytes of {@code body} as one line of text, control characters shown as
   * {@code ?}, for a failure message that names the input.
   */
  public static String excerpt(byte[] body) {
    String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
    return text.replaceAll("\\p{Cntrl}", "?") + (body.length > 300 ? "…" : "");
  }
}
