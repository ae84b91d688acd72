package io.synscope.agent.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DescriptorTableTest {
  private final DescriptorTable<String> table = new DescriptorTable<>("test entries");
  private final Object owner = new Object();

  @Test
  void givesBackWhatWasRememberedOnce() {
    table.put(7, owner, "seven");
    assertThat(table.remove(7, owner)).isEqualTo("seven");
    assertThat(table.remove(7, owner)).isNull();
  }

  @Test
  void keepsDescriptorsApartAcrossPages() {
    table.put(3, owner, "three");
    table.put(5_000, owner, "five thousand");
    assertThat(table.remove(5_000, owner)).isEqualTo("five thousand");
    assertThat(table.remove(3, owner)).isEqualTo("three");
  }

  @Test
  void neverGivesAnEntryToAnotherOwnerOfTheSameDescriptor() {
    // The first socket on descriptor 9 went without a close the tracer saw; the next one's close
    // must not take its entry.
    table.put(9, owner, "first socket");
    assertThat(table.remove(9, new Object())).isNull();
    assertThat(table.remove(9, owner)).isEqualTo("first socket");
  }

  @Test
  void aNewConnectionOnAReusedDescriptorReplacesTheOldEntry() {
    Object next = new Object();
    table.put(4, owner, "old");
    table.put(4, next, "new");
    assertThat(table.remove(4, owner)).isNull();
    assertThat(table.remove(4, next)).isEqualTo("new");
  }

  @Test
  void ignoresDescriptorsItCannotHold() {
    table.put(-1, owner, "none");
    table.put(DescriptorTable.MAX_DESCRIPTORS, owner, "too high");
    assertThat(table.remove(-1, owner)).isNull();
    assertThat(table.remove(DescriptorTable.MAX_DESCRIPTORS, owner)).isNull();
    assertThat(table.remove(12, owner)).isNull(); // a page never allocated
  }
}
