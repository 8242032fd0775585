package dev.graft.samples

import dev.graft.dsl.Net
import dev.graft.dsl.lora.LoRAAdapter
import dev.graft.dsl.nn.Linear
import dev.graft.dsl.tree.Mask
import dev.graft.dsl.tree.Path
import dev.graft.dsl.tree.Tree
import dev.graft.kotlin.GraftModule
import dev.graft.kotlin.lora
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.ByteArrayOutputStream
import java.io.PrintStream

/** The README's Kotlin example runs: LoRA only on the named layers, the loss falls, the merge keeps outputs. */
class KotlinQuickstartTest {
    private fun runQuickstart(): Pair<Net, List<String>> {
        val original = System.out
        val bytes = ByteArrayOutputStream()
        val net = try {
            System.setOut(PrintStream(bytes, true, Charsets.UTF_8))
            KotlinQuickstart.run()
        } finally {
            System.setOut(original)
        }
        return net to bytes.toString(Charsets.UTF_8).lines()
    }

    @Test
    fun `lora lands only on the named layers and the read-out stays frozen`() {
        val (trained, lines) = runQuickstart()
        assertEquals("gate 0: 0.5, readout shared: true", lines[0])
        assertEquals(listOf("blocks/0/fc", "blocks/0/proj", "blocks/1/fc", "blocks/1/proj"),
            trained.adapters().keys.map { it.toString() })
        val module: GraftModule = trained.module()
        assertTrue(Tree.get(module, Path.of("readout")) is Linear)
        assertTrue(Tree.get(module, Path.of("blocks/0/fc")) is LoRAAdapter)
        assertTrue(trained.trainablePaths().all { it.name() == "loraA" || it.name() == "loraB" })
        assertEquals(4L * (16 + 64) * 4, trained.trainableCount())
    }

    @Test
    fun `the builder grafts what the Java mask and lora calls graft`() {
        val model = KotlinQuickstart.model()
        val kotlin = Net.of(model).freeze().lora { rank = 4; alpha = 8.0; target("fc", "proj") }
        val java = Net.of(model).freeze().mask(Mask.regex("blocks/.*")).lora(4, 8.0)
        assertTrue(Tree.equals(java.module(), kotlin.module()))
        assertEquals(java.trainablePaths(), kotlin.trainablePaths())
    }

    @Test
    fun `training lowers the loss, the epochs are reported and merging keeps the outputs`() {
        val (_, lines) = runQuickstart()
        val epochLosses = lines.filter { it.startsWith("epoch ") }.map { it.substringAfter("mean loss ").toDouble() }
        assertEquals(3, epochLosses.size, lines.toString())
        assertTrue(epochLosses.zipWithNext().all { (a, b) -> b < a }, "epoch losses fall: $epochLosses")
        val mse = lines.first { it.contains(" mse ") }.substringAfter("mse ").split(" -> ").map { it.toDouble() }
        assertTrue(lines.first { it.contains(" mse ") }.startsWith("240 steps"), lines.toString())
        assertTrue(mse[1] < mse[0] / 5, lines.toString())
        val grads = lines.first { it.startsWith("loss ") }
        assertTrue(grads.contains(", 8 gradients, "), grads)
        assertEquals("%.4f".format(java.util.Locale.ROOT, mse[1]), grads.substringAfter("loss ").substringBefore(","))
        val gap = lines.first { it.startsWith("max |merged - adapted|") }.substringAfter("= ").toDouble()
        assertTrue(gap < 1e-5, "merged vs adapted: $gap")
    }
}
