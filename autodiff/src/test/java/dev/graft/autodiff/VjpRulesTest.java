package dev.graft.autodiff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Primitive;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every primitive has a VJP rule, and using one without a rule under a trace is an error. */
class VjpRulesTest {

  @Test
  void everyPrimitiveHasARule() {
    List<Primitive> missing = new ArrayList<>();
    for (Primitive p : Primitive.values()) {
      if (!VjpRules.standard().has(p)) {
        missing.add(p);
      }
    }
    assertTrue(missing.isEmpty(), "primitives without a VJP rule: " + missing);
  }

  @Test
  void nonDifferentiablePrimitivesHaveAnExplicitNoCotangentRule() {
    for (Primitive p : List.of(Primitive.GREATER, Primitive.EQUAL, Primitive.SIGN,
        Primitive.STOP_GRADIENT)) {
      assertTrue(VjpRules.standard().rule(p) == VjpRule.NO_COTANGENT, p.name());
    }
    assertFalse(VjpRules.standard().rule(Primitive.ADD) == VjpRule.NO_COTANGENT);
  }

  @Test
  void aPrimitiveWithoutARuleUnderATraceThrowsNamingIt() {
    Map<Primitive, VjpRule> table = VjpRules.standard().table();
    table.remove(Primitive.MUL);
    VjpRules incomplete = new VjpRules(table);
    Tensor x = Tensor.ones(2);
    Tracer tracer = new Tracer(Dispatch.eager(), incomplete, List.of(x));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Dispatch.with(tracer, () -> x.exp().times(x)));
    assertTrue(e.getMessage().contains("MUL"), e.getMessage());
    // Constants still run: the rule is only needed for traced applications.
    Dispatch.with(new Tracer(Dispatch.eager(), incomplete, List.of(x)),
        () -> Tensor.ones(2).times(Tensor.ones(2)));
  }
}
