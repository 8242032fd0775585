package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The zoo laws for {@link RsLoRALinear} and {@link RsLoRAConv}, and their {@code α/√r} scale. */
class ZooRsLoRATest {
  @TestFactory
  Stream<DynamicTest> linear() {
    return ZooLaws.linear(RsLoRALinear.FACTORY, ZooLoRATest.LORA_COUNT).laws();
  }

  @TestFactory
  Stream<DynamicTest> conv() {
    return ZooLaws.conv(RsLoRAConv.FACTORY, ZooLoRATest.LORA_COUNT).laws();
  }

  @Test
  void scaleIsAlphaOverRootRank() {
    AdapterConfig config = new AdapterConfig(4, 6.0, 0, Key.of(1));
    assertEquals(3.0, RsLoRALinear.create(Linear.create(5, 4, Key.of(2)), config).scale());
    assertEquals(3.0, RsLoRAConv.create(Conv2d.create(2, 4, 3, Key.of(2)), config).scale());
    assertEquals(1.5, LoRALinear.create(Linear.create(5, 4, Key.of(2)), config).scale());
  }
}
