package io.synscope.agent.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpanThresholdTest {
  private static final long MS = 1_000_000L;

  @Test
  void withoutAMinimumEveryConnectionGetsASpan() {
    SpanThreshold every = SpanThreshold.of(Duration.ZERO);
    assertThat(every).isSameAs(SpanThreshold.EVERY);
    assertThat(every.spans(0, false, 0)).isTrue();
    assertThat(every.spans(0, false, -1)).isTrue();
    assertThat(every.describe()).isEmpty();
  }

  @Test
  void aFastConnectionGetsASpanOnlyWhenItFailedOrItsHandshakeWasSentAgain() {
    SpanThreshold min = SpanThreshold.of(Duration.ofMillis(200));
    assertThat(min.spans(200 * MS, false, 0)).isTrue();
    assertThat(min.spans(200 * MS - 1, false, 0)).isFalse();
    assertThat(min.spans(200 * MS - 1, false, -1)).isFalse();
    assertThat(min.spans(1 * MS, true, -1)).isTrue();
    assertThat(min.spans(1 * MS, false, 1)).isTrue();
  }

  @Test
  void theStartLineSaysTheMinimumInWholeUnits() {
    assertThat(SpanThreshold.of(Duration.ofMillis(250)).describe()).isEqualTo("250 ms");
    assertThat(SpanThreshold.of(Duration.ofSeconds(2)).describe()).isEqualTo("2 s");
  }
}
