package dev.graft.dsl.optim;

import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tied weights: one tensor object reached at several paths is one parameter. The trainable paths
 * are grouped by the identity of the tensor they hold, the first path of each group (in tree order)
 * standing for it; the optimizer updates each group once and puts the one new tensor back at every
 * path of the group, so a tie survives the step.
 */
final class Ties {
  private Ties() {}

  /**
   * The trainable paths grouped by tensor identity: each key is the first path of a group, its
   * value every path of the group in tree order (the key included).
   *
   * @throws IllegalArgumentException when a trainable tensor also sits at a frozen path (one
   *     update cannot both move and keep it), or when the gradients at two paths of one group
   *     differ (a shared tensor has one gradient: the sum over all its uses)
   */
  static Map<Path, List<Path>> group(String op, Map<Path, Tensor> params, Map<Path, Tensor> all,
      Map<Path, Tensor> grads) {
    Map<Tensor, List<Path>> byTensor = new IdentityHashMap<>();
    Map<Path, List<Path>> groups = new LinkedHashMap<>();
    for (Map.Entry<Path, Tensor> e : params.entrySet()) {
      List<Path> group = byTensor.get(e.getValue());
      if (group == null) {
        group = new ArrayList<>(1);
        byTensor.put(e.getValue(), group);
        groups.put(e.getKey(), group);
      }
      group.add(e.getKey());
    }
    Set<Path> trainable = params.keySet();
    for (Map.Entry<Path, Tensor> e : all.entrySet()) {
      List<Path> group = byTensor.get(e.getValue());
      if (group != null && !trainable.contains(e.getKey())) {
        throw new IllegalArgumentException(op + ".step: the tensor at the trainable leaf '"
            + group.get(0) + "' is also at the frozen leaf '" + e.getKey() + "'; a tied weight"
            + " must be trainable at all of its paths or at none");
      }
    }
    if (groups.size() == params.size()) {
      return groups; // nothing tied among the trainable leaves
    }
    for (List<Path> group : groups.values()) {
      Tensor first = grads.get(group.get(0));
      for (int i = 1; i < group.size(); i++) {
        Tensor other = grads.get(group.get(i));
        if (other != first && !other.equals(first)) {
          throw new IllegalArgumentException(op + ".step: the tied leaves '" + group.get(0)
              + "' and '" + group.get(i) + "' hold one tensor but got different gradients; a"
              + " shared tensor has one gradient, the sum over all its uses, as valueAndGrad"
              + " gives it at each of its paths");
        }
      }
    }
    return groups;
  }
}
