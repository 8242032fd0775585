package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Sequential;
import dev.graft.runtime.Key;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What Graft prints is the same under every default locale (Turkish i, German decimal comma). */
class LocaleIndependenceTest {

  private static String under(Locale locale, Supplier<String> text) {
    Locale saved = Locale.getDefault();
    Locale.setDefault(locale);
    try {
      return text.get();
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void summaryAndToStringIgnoreTheDefaultLocale() {
    Net net = Net.of(Sequential.of(Linear.create(1000, 3, Key.of(1)))).freeze().lora(2, 4.0).disableAdapters();
    for (Locale l : new Locale[] {new Locale("tr", "TR"), Locale.GERMANY, new Locale("ar")}) {
      assertEquals(under(Locale.ROOT, net::toString), under(l, net::toString), l.toString());
      assertEquals(under(Locale.ROOT, net::summary), under(l, net::summary), l.toString());
    }
    String s = under(new Locale("tr", "TR"), net::toString);
    assertEquals(true, s.contains("disabled"), s);
    String sum = under(Locale.GERMANY, net::summary);
    assertEquals(true, sum.contains("3,003") && sum.contains("%)"), sum);
  }
}
