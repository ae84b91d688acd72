package io.synscope.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonObjectTest {

  @Test
  void escapesQuoteBackslashAndTheShortControlEscapes() {
    assertThat(JsonObject.quote("a\"b\\c\nd\re\tf\bg\fh"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\"");
  }

  @Test
  void escapesOtherControlCharactersAsUnicodeEscapes() {
    assertThat(JsonObject.quote("\u0000\u0001\u001f\u007f"))
        .isEqualTo("\"\\u0000\\u0001\\u001f\u007f\"");
  }

  @Test
  void escapesJavaScriptLineSeparatorsAndUnpairedSurrogates() {
    assertThat(JsonObject.quote("x\u2028y\u2029")).isEqualTo("\"x\\u2028y\\u2029\"");
    assertThat(JsonObject.quote("\ud800 \udc00")).isEqualTo("\"\\ud800 \\udc00\"");
  }

  @Test
  void keepsNonAsciiTextAndSurrogatePairsAsTheyAre() {
    assertThat(JsonObject.quote("é ✓ \ud83d\ude00 /")).isEqualTo("\"é ✓ \ud83d\ude00 /\"");
  }

  @Test
  void writesFieldsInOrderWithNullsBooleansNumbersAndNestedObjects() {
    JsonObject o =
        new JsonObject()
            .put("s", "v")
            .put("n", 42)
            .put("neg", -1L)
            .put("unknown", (Long) null)
            .put("b", true)
            .putNull("z")
            .put("inner", new JsonObject().put("k", "a\"b"))
            .put("empty", new JsonObject());
    assertThat(o.toString())
        .isEqualTo(
            "{\"s\":\"v\",\"n\":42,\"neg\":-1,\"unknown\":null,\"b\":true,\"z\":null,"
                + "\"inner\":{\"k\":\"a\\\"b\"},\"empty\":{}}");
  }

  @Test
  void everyCharacterSurvivesARoundTripThroughAStrictParser() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x3000; c++) {
      all.append(c);
    }
    String key = "key \" \\ \u0007";
    Map<String, Object> back =
        Json.object(
            new JsonObject().put(key, all.toString()).put("long", Long.MIN_VALUE).toString());
    assertThat(back).containsExactly(
        Map.entry(key, all.toString()), Map.entry("long", Long.MIN_VALUE));
  }
}
