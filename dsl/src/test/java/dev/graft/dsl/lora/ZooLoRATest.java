package dev.graft.dsl.lora;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The zoo laws for the reference adapters {@link LoRALinear} and {@link LoRAConv}. */
class ZooLoRATest {
  static final ZooLaws.Count LORA_COUNT = (out, in, r) -> (long) r * (in + out);

  @TestFactory
  Stream<DynamicTest> linear() {
    return ZooLaws.linear(LoRALinear.FACTORY, LORA_COUNT).laws();
  }

  @TestFactory
  Stream<DynamicTest> conv() {
    return ZooLaws.conv(LoRAConv.FACTORY, LORA_COUNT).laws();
  }
}
