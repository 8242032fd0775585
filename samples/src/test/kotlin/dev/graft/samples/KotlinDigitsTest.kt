package dev.graft.samples

import dev.graft.dsl.Net
import dev.graft.dsl.tree.Tree
import dev.graft.kotlin.Adapter
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.ByteArrayOutputStream
import java.io.PrintStream

/** The Kotlin digits sample on a small budget: it learns, adapts, merges, and prepares nets as the Java shoot-out does. */
class KotlinDigitsTest {
    @Test
    fun `pretraining and adapting learn, counts match the zoo, merges keep the logits`() {
        val bytes = ByteArrayOutputStream()
        val report = KotlinDigits.run(epochs = 6, adapters = listOf(Adapter.LoRA, Adapter.DoRA),
            out = PrintStream(bytes, true, Charsets.UTF_8))
        val lines = bytes.toString(Charsets.UTF_8).lines()
        assertTrue(report.pretrainAccuracy > 0.9, "pretrained accuracy ${report.pretrainAccuracy}")
        assertEquals(listOf(Adapter.LoRA, Adapter.DoRA), report.outcomes.map { it.adapter })
        // The new head (325) plus r(in + out) per wrapped layer; DoRA adds one magnitude per output.
        assertEquals(listOf(3461L, 3573L), report.outcomes.map { it.trainable })
        for (o in report.outcomes) {
            assertTrue(o.after > o.before + 0.3, "$o")
            assertTrue(o.mergeGap < 1e-4, "$o")
        }
        assertTrue(lines[1].startsWith("adapter"), lines.toString())
        assertTrue(lines[2].startsWith("LoRA         3,461"), lines[2])
    }

    @Test
    fun `prepare grafts what the shoot-out's Java Contender grafts`() {
        val base = DigitsNet.create(5, seed = 0)
        for ((method, name) in listOf(Adapter.LoRA to "LoRA", Adapter.VeRA to "VeRA", Adapter.OFT to "OFT")) {
            val kotlin = KotlinDigits.prepare(base, method)
            val java = Contender.ALL.first { it.name() == name }.prepare(Net.of(base), 4, 8.0, 0L)
            assertTrue(Tree.equals(java.module(), kotlin.module()), name)
            assertEquals(java.trainablePaths(), kotlin.trainablePaths(), name)
        }
    }
}
