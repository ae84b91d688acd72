package io.synscope.agent.trace;

import io.synscope.agent.AgentLog;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What the tracer remembers about an open connection until the application closes it, found by
 * the connection's file descriptor: an array slot, so that remembering and forgetting take no lock
 * and allocate nothing beyond the entry, on a path every connection takes twice.
 *
 * <p>The owner (the socket's impl or channel) is not referenced, so that a socket the application
 * drops without closing is still collected, and its descriptor closed by the JDK's cleaner. A
 * connection closed that way, unseen, leaves its entry behind until the descriptor's number is
 * used by another traced connection; so that such an entry is never taken for a different
 * socket's, each entry carries its owner's identity hash and is given back only to a caller with
 * the same.
 *
 * <p>Descriptors are small numbers the kernel hands out lowest first, so the table is a few pages
 * of slots, allocated as descriptors reach them, up to {@link #MAX_DESCRIPTORS}; connections on
 * higher descriptors are not followed, said once.
 */
final class DescriptorTable<V> {
  static final int MAX_DESCRIPTORS = 1 << 20;
  private static final int PAGE_BITS = 10;
  private static final int PAGE_SIZE = 1 << PAGE_BITS;

  private record Entry<V>(int ownerHash, V value) {}

  private final AtomicReferenceArray<AtomicReferenceArray<Entry<V>>> pages =
      new AtomicReferenceArray<>(MAX_DESCRIPTORS >> PAGE_BITS);
  private final String what;

  /** @param what what the table holds, for the one line said when a descriptor is too high */
  DescriptorTable(String what) {
    this.what = what;
  }

  /** Remembers a value for the owner of descriptor {@code fd}, replacing whatever was there. */
  void put(int fd, Object owner, V value) {
    if (fd < 0) {
      return;
    }
    if (fd >= MAX_DESCRIPTORS) {
      AgentLog.warnOnce(
          "descriptor-table:" + what,
          what + ": descriptor " + fd + " is above " + MAX_DESCRIPTORS
              + "; connections on descriptors that high are not followed");
      return;
    }
    page(fd, true).set(fd & (PAGE_SIZE - 1), new Entry<>(System.identityHashCode(owner), value));
  }

  /** Forgets and returns the value remembered for this owner of {@code fd}, or null. */
  V remove(int fd, Object owner) {
    if (fd < 0 || fd >= MAX_DESCRIPTORS) {
      return null;
    }
    AtomicReferenceArray<Entry<V>> page = page(fd, false);
    if (page == null) {
      return null;
    }
    int slot = fd & (PAGE_SIZE - 1);
    Entry<V> e = page.get(slot);
    if (e == null || e.ownerHash != System.identityHashCode(owner)) {
      return null;
    }
    return page.compareAndSet(slot, e, null) ? e.value : null;
  }

  private AtomicReferenceArray<Entry<V>> page(int fd, boolean create) {
    int index = fd >>> PAGE_BITS;
    AtomicReferenceArray<Entry<V>> page = pages.get(index);
    if (page == null && create) {
      pages.compareAndSet(index, null, new AtomicReferenceArray<>(PAGE_SIZE));
      page = pages.get(index);
    }
    return page;
  }
}
