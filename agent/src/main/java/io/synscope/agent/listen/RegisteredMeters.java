package io.synscope.agent.listen;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The meters a binder registered, per registry and per group (a listener's three gauges are one
 * group), so a group can be removed when what it measures is gone and everything on close.
 */
final class RegisteredMeters {
  private final Map<MeterRegistry, Map<String, List<Meter>>> byRegistry = new LinkedHashMap<>();

  synchronized Set<MeterRegistry> registries() {
    return Set.copyOf(byRegistry.keySet());
  }

  synchronized boolean has(MeterRegistry registry, String group) {
    Map<String, List<Meter>> groups = byRegistry.get(registry);
    return groups != null && groups.containsKey(group);
  }

  /** Registers a group's meters through {@code register} unless the group is there already. */
  synchronized void addGroup(
      MeterRegistry registry, String group, Function<MeterRegistry, List<Meter>> register) {
    Map<String, List<Meter>> groups = byRegistry.computeIfAbsent(registry, r -> new HashMap<>());
    if (!groups.containsKey(group)) {
      groups.put(group, new ArrayList<>(register.apply(registry)));
    }
  }

  /** Removes from every registry the groups not in {@code keep}. */
  synchronized void retainGroups(Set<String> keep) {
    byRegistry.forEach(
        (registry, groups) ->
            groups
                .entrySet()
                .removeIf(
                    e -> {
                      if (keep.contains(e.getKey())) {
                        return false;
                      }
                      e.getValue().forEach(registry::remove);
                      return true;
                    }));
  }

  /** Removes every meter from every registry. */
  synchronized void removeAll() {
    byRegistry.forEach(
        (registry, groups) -> groups.values().forEach(ms -> ms.forEach(registry::remove)));
    byRegistry.clear();
  }
}
